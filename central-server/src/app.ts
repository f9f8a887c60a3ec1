// Builds the central directory's Fastify app from its components; never listens (server.ts does, tests inject).
import Fastify from 'fastify'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import type { CentralConfig } from './config.js'
import { directoryPlugin } from './plugins/directory.js'
import { errorHandlerPlugin, sendError } from './plugins/error-handler.js'
import { openapiPlugin } from './plugins/openapi.js'
import { fileRoutes } from './routes/files.js'
import { healthRoutes } from './routes/health.js'
import { peerRoutes } from './routes/peers.js'
import { placementRoutes } from './routes/placements.js'
import type { DirectoryStore } from './store/directory-store.js'
import { createMemoryDirectoryStore } from './store/memory-directory-store.js'

/** Enough for a registration listing tens of thousands of files. */
export const BODY_LIMIT_BYTES = 16 * 1024 * 1024
/** A 255-byte file name, percent-encoded, is up to 765 characters in a URL (Fastify's default is 100). */
const MAX_PARAM_LENGTH = 1024

export interface CentralAppOptions {
  config: Pick<CentralConfig, 'heartbeatIntervalMs'>
  /** Default: a fresh in-memory store. The app closes it when it closes. */
  store?: DirectoryStore
  /** Epoch milliseconds; tests move it instead of sleeping. Default: Date.now. */
  now?: () => number
  /** How long a placement holds room on its peer; default 60 s. */
  reservationTtlMs?: number
  /** Fastify logger options; default: no logging. */
  logger?: FastifyServerOptions['logger']
}

export function buildCentralApp (options: CentralAppOptions): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Lets a request id follow one transfer across services.
    requestIdHeader: 'x-request-id',
    // Errors raised before routing (a malformed URL) get the same JSON body as every other error.
    frameworkErrors: (err, request, reply) => { void sendError(err, request, reply) }
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

  void app.register(errorHandlerPlugin)
  void app.register(openapiPlugin)
  void app.register(directoryPlugin, {
    store: options.store ?? createMemoryDirectoryStore(),
    now: options.now ?? Date.now,
    heartbeatIntervalMs: options.config.heartbeatIntervalMs,
    ...(options.reservationTtlMs == null ? {} : { reservationTtlMs: options.reservationTtlMs })
  })
  void app.register(peerRoutes)
  void app.register(fileRoutes)
  void app.register(placementRoutes)
  void app.register(healthRoutes)
  return app
}
