// GET /: the page (upload form, the message a redirect carried, and every file on the network).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'

/** Messages travel in the URL after a redirect; a bound keeps a crafted link from filling the page. */
const MAX_NOTICE_LENGTH = 2000

const pageQuerySchema = z.object({
  message: z.string().max(MAX_NOTICE_LENGTH).optional(),
  error: z.string().max(MAX_NOTICE_LENGTH).optional()
})

export const pageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/', {
    schema: { querystring: pageQuerySchema },
    config: { page: true }
  }, async (request, reply) => await reply.sendPage(200, { message: request.query.message, error: request.query.error }))
}
