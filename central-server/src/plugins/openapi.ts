// The OpenAPI document, generated from the routes' zod schemas, with its UI at /docs (JSON at /docs/json).
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { MAX_CLOCK_SKEW_MS, SIGNATURE_HEADER, SIGNER_HEADER, TIMESTAMP_HEADER } from '@p2p/proto/directory'
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
      components: {
        securitySchemes: {
          clusterSignature: {
            type: 'apiKey',
            in: 'header',
            name: SIGNATURE_HEADER,
            description: `Cluster members only. Three headers: ${SIGNER_HEADER} (peer id, or pclient:<label>), ${TIMESTAMP_HEADER} ` +
              `(epoch ms, within ${MAX_CLOCK_SKEW_MS / 1000} s of the central's clock) and ${SIGNATURE_HEADER}: base64url ` +
              'HMAC-SHA256, keyed by a key derived from the cluster secret, over signer, method, path with query, timestamp ' +
              'and the SHA-256 of the raw body (see signRequest in @p2p/proto).'
          }
        }
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
