// GET /: the page (upload form, what a no-JavaScript upload's redirect carried, every file on the
// network filtered and sorted as the URL asks, and the network's peers).
import { fileNameSchema, peerIdSchema } from '@p2p/proto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { fileListQuerySchema } from '../page/list-query.js'

/**
 * A redirect after an upload carries what was stored where, never a sentence: the page writes the
 * sentence itself, so a crafted link cannot put words of its choosing in an official-looking notice.
 */
const pageQuerySchema = fileListQuerySchema.extend({
  uploaded: z.string().max(1024).optional(),
  peer: z.string().max(100).optional()
})

/** The notice for `?uploaded=<name>&peer=<id>`, when both are what an upload could have produced. */
export function uploadedNotice (uploaded: string | undefined, peer: string | undefined): string | undefined {
  const name = fileNameSchema.safeParse(uploaded)
  const peerId = peerIdSchema.safeParse(peer)
  return name.success && peerId.success ? `Uploaded ${name.data} to ${peerId.data}` : undefined
}

export const pageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/', {
    schema: { querystring: pageQuerySchema },
    config: { page: true }
  }, async (request, reply) => {
    const { uploaded, peer, ...list } = request.query
    return await reply.sendPage(200, { message: uploadedNotice(uploaded, peer), list })
  })
}
