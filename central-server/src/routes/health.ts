// Liveness of the central itself, with the size of what it knows, and how well the files are copied. It
// names the store and the replica that answered (behind a proxy, several replicas answer in turn), and
// answers 503 CENTRAL_STORE_UNAVAILABLE while the store cannot be reached.
import { errorBodySchema, healthResponseSchema, replicationReportSchema } from '@p2p/proto/directory'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { StoreKind } from '../store/open-store.js'

export interface HealthRoutesOptions {
  store: StoreKind
  replica: string
}

export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, { store, replica }) => {
  app.get('/health', {
    schema: {
      tags: ['health'],
      summary: 'The central is up; how many live peers and files it knows, its store and which replica answered',
      response: { 200: healthResponseSchema, 429: errorBodySchema, 503: errorBodySchema }
    }
  }, async () => ({ ...await app.directory.health(), store, replica }))

  app.get('/replication', {
    schema: {
      tags: ['health'],
      summary: 'Replica counts: the replication factor, the files below it, the files no live peer holds, and copies being made',
      response: { 200: replicationReportSchema, 429: errorBodySchema, 503: errorBodySchema }
    }
  }, async () => await app.directory.replication())
}
