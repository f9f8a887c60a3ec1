// GET /api/replication: how the network keeps its copies, for scripts (the `p2p status` command): the
// replication factor, the files below it and the files no live peer holds, as the central reports them.
import { errorBodySchema, replicationReportSchema } from '@p2p/proto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { toHttpError } from '../error-mapping.js'

export const apiReplicationRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/replication', {
    schema: { response: { 200: replicationReportSchema, 502: errorBodySchema } }
  }, async () => {
    try {
      return await app.central.replication()
    } catch (err) {
      throw toHttpError(err)
    }
  })
}
