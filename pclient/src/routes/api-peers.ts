// GET /api/peers: the central's view of the network for scripts (and a command line): every live peer
// with its address, capacity, free space, files and last heartbeat, and the central's own status.
import { errorBodySchema, healthResponseSchema, listPeersResponseSchema } from '@p2p/proto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { toHttpError } from '../error-mapping.js'

const apiPeersResponseSchema = listPeersResponseSchema.extend({ central: healthResponseSchema })

export const apiPeersRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/peers', {
    schema: { response: { 200: apiPeersResponseSchema, 502: errorBodySchema } }
  }, async () => {
    try {
      const [central, peers] = await Promise.all([app.central.health(), app.central.listPeers()])
      return { central, peers, next: null }
    } catch (err) {
      throw toHttpError(err)
    }
  })
}
