// GET /list_files/: every file on the network, as the central lists it (the original system's JSON route).
import { errorBodySchema, listFilesResponseSchema } from '@p2p/proto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { toHttpError } from '../error-mapping.js'

export const listFilesRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/list_files/', {
    schema: { response: { 200: listFilesResponseSchema, 502: errorBodySchema } }
  }, async () => {
    try {
      return { files: await app.central.listFiles(), next: null }
    } catch (err) {
      throw toHttpError(err)
    }
  })
}
