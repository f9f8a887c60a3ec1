// The OpenAPI document, generated from the routes' zod schemas, with its UI at /docs (JSON at /docs/json).
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { jsonSchemaTransform } from 'fastify-type-provider-zod'

export const openapiPlugin = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'P2P central directory',
        description: 'Knows every live peer, its address, its free space and the files it holds; locates files and places uploads.',
        version: '0.1.0'
      },
      tags: [
        { name: 'peers', description: 'Peers join, heartbeat, announce files and leave' },
        { name: 'files', description: 'What the network holds and where' },
        { name: 'placements', description: 'Where an upload should go' },
        { name: 'health', description: 'Liveness of the central itself' }
      ]
    },
    transform: jsonSchemaTransform
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
}, { name: 'central-openapi', fastify: '5.x' })
