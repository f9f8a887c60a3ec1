// GET /: the page (upload form, the message a redirect carried, every file on the network filtered and
// sorted as the URL asks, and the network's peers).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { fileListQuerySchema } from '../page/file-list.js'

/** Messages travel in the URL after a redirect; a bound keeps a crafted link from filling the page. */
const MAX_NOTICE_LENGTH = 2000

const pageQuerySchema = fileListQuerySchema.extend({
  message: z.string().max(MAX_NOTICE_LENGTH).optional(),
  error: z.string().max(MAX_NOTICE_LENGTH).optional()
})

export const pageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/', {
    schema: { querystring: pageQuerySchema },
    config: { page: true }
  }, async (request, reply) => {
    const { message, error, ...list } = request.query
    return await reply.sendPage(200, { message, error, list })
  })
}
