// GET /list_files/: every file on the network, as the central lists it (the original system's JSON route).
// With `limit` it answers one page of the central's list instead (`cursor`: the previous page's `next`;
// `q`: the words every name must contain), so a script (the `p2p ls` command) can walk a list of any
// length without this client holding all of it at once.
import { errorBodySchema, LIST_PAGE_MAX, listFilesResponseSchema } from '@p2p/proto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { toHttpError } from '../error-mapping.js'

const listFilesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(LIST_PAGE_MAX).optional(),
  cursor: z.string().min(1).max(1024).optional(),
  q: z.string().max(200).optional()
})

export const listFilesRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/list_files/', {
    schema: { querystring: listFilesQuerySchema, response: { 200: listFilesResponseSchema, '4xx': errorBodySchema, 502: errorBodySchema } }
  }, async (request) => {
    const { limit, cursor, q } = request.query
    try {
      if (limit == null) return { files: await app.central.listFiles(), next: null }
      return await app.central.listFilesPage({ limit, ...(cursor == null ? {} : { cursor }), ...(q == null ? {} : { q }) })
    } catch (err) {
      throw toHttpError(err)
    }
  })
}
