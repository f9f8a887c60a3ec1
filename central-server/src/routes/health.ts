// Liveness of the central itself, with the size of what it knows, and how well the files are copied.
import { errorBodySchema, healthResponseSchema, replicationReportSchema } from '@p2p/proto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/health', {
    schema: {
      tags: ['health'],
      summary: 'The central is up; how many live peers and files it knows',
      response: { 200: healthResponseSchema, 429: errorBodySchema }
    }
  }, async () => await app.directory.health())

  app.get('/replication', {
    schema: {
      tags: ['health'],
      summary: 'Replica counts: the replication factor, the files below it, the files no live peer holds, and copies being made',
      response: { 200: replicationReportSchema, 429: errorBodySchema }
    }
  }, async () => await app.directory.replication())
}
