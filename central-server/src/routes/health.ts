// Liveness of the central itself, with the size of what it knows.
import { errorBodySchema, healthResponseSchema } from '@p2p/proto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/health', {
    schema: {
      tags: ['health'],
      summary: 'The central is up; how many live peers and files it knows',
      response: { 200: healthResponseSchema, 429: errorBodySchema }
    }
  }, async () => await app.directory.health())
}
