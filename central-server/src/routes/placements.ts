// Where an upload should go: the live peer with the most room for it, with an upload ticket good only
// there, for that name and size (members only: plugins/cluster-auth.ts).
import { errorBodySchema, placementBodySchema, placementResponseSchema } from '@p2p/proto/directory'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { clusterSecurity, memberErrorResponses } from '../plugins/cluster-auth.js'

export const placementRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/placements', {
    config: { signed: 'member' },
    schema: {
      tags: ['placements'],
      summary: 'Choose the peer an upload goes to (the live peer with the most free space that fits it) and sign its upload ticket',
      security: clusterSecurity,
      body: placementBodySchema,
      response: { 201: placementResponseSchema, 400: errorBodySchema, 409: errorBodySchema, 507: errorBodySchema, ...memberErrorResponses }
    }
  }, async (request, reply) => {
    const placement = await app.directory.place(request.body)
    return await reply.code(201).send({ ...placement, ticket: await app.tickets.forUpload(placement) })
  })
}
