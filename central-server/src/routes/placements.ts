// Where an upload should go: the live peer with the most room for it.
import { errorBodySchema, placementBodySchema, placementResponseSchema } from '@p2p/proto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'

export const placementRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/placements', {
    schema: {
      tags: ['placements'],
      summary: 'Choose the peer an upload goes to (the live peer with the most free space that fits it)',
      body: placementBodySchema,
      response: { 201: placementResponseSchema, 400: errorBodySchema, 409: errorBodySchema, 507: errorBodySchema }
    }
  }, async (request, reply) => await reply.code(201).send(await app.directory.place(request.body)))
}
