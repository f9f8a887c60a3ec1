// Builds the central directory's Fastify app from its components; never listens (server.ts does, tests inject).
import { clusterSecretSchema, DEFAULT_TICKET_TTL_MS, DELETE_TOKEN_HEADER, deriveClusterKeys, REQUEST_ID_HEADER, requestIdOfRequest, SIGNATURE_HEADER, timeHttpAnswers } from '@p2p/proto/directory'
import Fastify from 'fastify'
import type { FastifyInstance, FastifyLoggerOptions } from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import type { LoggerOptions as PinoLoggerOptions } from 'pino'
import { DEFAULT_RATE_LIMIT_PER_MINUTE, DEFAULT_TRUSTED_PROXIES, defaultReplicaId } from './config.js'
import type { CentralConfig } from './config.js'
import type { CentralMetrics } from './metrics.js'
import { BODY_LIMIT_BYTES, HEADERS_TIMEOUT_MS, MAX_HEADER_BYTES, MAX_PARAM_LENGTH, REQUEST_TIMEOUT_MS } from './http/request-limits.js'
import { clusterAuthPlugin } from './plugins/cluster-auth.js'
import { directoryPlugin } from './plugins/directory.js'
import { errorHandlerPlugin, sendError } from './plugins/error-handler.js'
import { openapiPlugin } from './plugins/openapi.js'
import { rateLimitPlugin } from './plugins/rate-limit.js'
import { ticketsPlugin } from './plugins/tickets.js'
import { fileDeleteRoutes } from './routes/file-delete.js'
import { fileRoutes } from './routes/files.js'
import { healthRoutes } from './routes/health.js'
import { peerRoutes } from './routes/peers.js'
import { placementRoutes } from './routes/placements.js'
import type { DirectoryStore } from './store/directory-store.js'
import { openDirectoryStore } from './store/open-store.js'
import type { OpenedStore, StoreKind } from './store/open-store.js'
import { timedStore } from './store/timed-store.js'

export type CentralLoggerOptions = FastifyLoggerOptions & PinoLoggerOptions

export interface CentralAppOptions {
  config: Pick<CentralConfig, 'heartbeatIntervalMs'> &
  Partial<Pick<CentralConfig, 'ticketTtlMs' | 'rateLimitPerMinute' | 'trustedProxies' | 'replicationFactor' | 'directoryStore' | 'replicaId' | 'tombstoneTtlMs'>>
  /** The secret every member of the network shares (at least 32 characters). */
  clusterSecret: string
  /** Default: the store config.directoryStore names (in memory when unset). The app closes it when it closes. */
  store?: DirectoryStore
  /** What `store` is, for GET /health; default 'memory'. */
  storeKind?: StoreKind
  /** Epoch milliseconds; tests move it instead of sleeping. Default: Date.now. */
  now?: () => number
  /** How long a placement holds room on its peer; default 60 s. */
  reservationTtlMs?: number
  /** Fastify (pino) logger options; default: no logging. Secrets are always redacted. */
  logger?: CentralLoggerOptions | false
  /** What the app counts for Prometheus (served by server.ts on its own port); default: nothing. */
  metrics?: CentralMetrics
}

/**
 * What never reaches a log line, even if some code logs a whole request or object: the signature a
 * member sent, the secret, and tickets (each is a bearer permission until it expires).
 */
const REDACTED_LOG_PATHS = [
  `req.headers["${SIGNATURE_HEADER}"]`, `request.headers["${SIGNATURE_HEADER}"]`, `headers["${SIGNATURE_HEADER}"]`,
  `req.headers["${DELETE_TOKEN_HEADER}"]`, `request.headers["${DELETE_TOKEN_HEADER}"]`, `headers["${DELETE_TOKEN_HEADER}"]`,
  'clusterSecret', '*.clusterSecret', 'CLUSTER_SECRET', '*.CLUSTER_SECRET', 'ticket', '*.ticket',
  // A Redis URL may carry its password.
  'directoryStore.url', '*.directoryStore.url', 'REDIS_URL', '*.REDIS_URL'
]

/** How long a starting central waits for its store (Redis) before it serves anyway, answering 503 until it can. */
const STORE_STARTUP_WAIT_MS = 5000

export function buildCentralApp (options: CentralAppOptions): FastifyInstance {
  const secret = clusterSecretSchema.safeParse(options.clusterSecret)
  if (!secret.success) throw new Error(`clusterSecret: ${secret.error.issues[0]?.message ?? 'invalid'}`)
  const keys = deriveClusterKeys(secret.data)
  const now = options.now ?? Date.now
  const trustedProxies = options.config.trustedProxies ?? DEFAULT_TRUSTED_PROXIES.split(',')

  const app = Fastify({
    logger: options.logger == null || options.logger === false ? false : withRedaction(options.logger),
    // Registrations get a larger limit on their own route (http/request-limits.ts).
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    http: { maxHeaderSize: MAX_HEADER_BYTES, headersTimeout: HEADERS_TIMEOUT_MS },
    requestTimeout: REQUEST_TIMEOUT_MS,
    // X-Forwarded-For/-Proto count only when the connection comes from a proxy we run, so request.ip
    // (and the rate limit) is the real client's address and no one else can choose it.
    trustProxy: trustedProxies.length > 0 ? trustedProxies : false,
    // The caller's x-request-id (checked: runtime/request-id.ts) or a new one, logged as reqId, so one
    // transfer can be followed across services.
    requestIdHeader: false,
    genReqId: requestIdOfRequest,
    // Errors raised before routing (a malformed URL) get the same JSON body as every other error.
    frameworkErrors: (err, request, reply) => { void sendError(err, request, reply) }
  })
  // The store is opened as the app loads (the Redis one is imported only then: open-store.ts), before
  // any plugin that uses it; those take their options as functions, read once it is open.
  let openedStore: OpenedStore | undefined
  const opened = (): OpenedStore => {
    if (openedStore == null) throw new Error('the directory store is used before it was opened')
    return openedStore
  }
  void app.register(async () => {
    openedStore = options.store == null
      ? await openDirectoryStore(options.config.directoryStore ?? { kind: 'memory' }, app.log)
      : { kind: options.storeKind ?? 'memory', store: options.store, waitUntilReady: async () => true }
  })
  app.addHook('onReady', async () => {
    if (!await opened().waitUntilReady(STORE_STARTUP_WAIT_MS)) app.log.warn({ store: opened().kind }, 'the directory store is not reachable yet; serving 503 until it is')
  })
  app.addHook('onRequest', async (request, reply) => { void reply.header(REQUEST_ID_HEADER, request.id) })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  const { metrics } = options
  if (metrics != null) {
    timeHttpAnswers(app, metrics.observeHttp)
    app.addHook('onReady', async () => { metrics.watchDirectory(app.directory.counts, opened().kind) })
  }

  // Order matters: the rate limiter's hooks see a request before the membership check does, and both
  // must exist before the routes they apply to (and the not-found handler) are added.
  void app.register(rateLimitPlugin, { perMinute: options.config.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE })
  void app.register(clusterAuthPlugin, { key: keys.peerRequests, now })
  void app.register(errorHandlerPlugin)
  void app.register(openapiPlugin)
  void app.register(ticketsPlugin, { key: keys.transferTickets, ttlMs: options.config.ticketTtlMs ?? DEFAULT_TICKET_TTL_MS, now })
  void app.register(directoryPlugin, () => ({
    store: metrics == null ? opened().store : timedStore(opened().store, metrics.store),
    now,
    heartbeatIntervalMs: options.config.heartbeatIntervalMs,
    ...(options.config.replicationFactor == null ? {} : { replicationFactor: options.config.replicationFactor }),
    ...(options.reservationTtlMs == null ? {} : { reservationTtlMs: options.reservationTtlMs }),
    ...(options.config.tombstoneTtlMs == null ? {} : { tombstoneTtlMs: options.config.tombstoneTtlMs }),
    ...(metrics == null ? {} : { onDeleted: metrics.fileDeleted })
  }))
  void app.register(peerRoutes)
  void app.register(fileRoutes)
  void app.register(fileDeleteRoutes, { clusterSecret: secret.data })
  void app.register(placementRoutes)
  void app.register(healthRoutes, () => ({ store: opened().kind, replica: options.config.replicaId ?? defaultReplicaId() }))
  return app
}

function withRedaction (logger: CentralLoggerOptions): CentralLoggerOptions {
  const own = logger.redact == null ? [] : Array.isArray(logger.redact) ? logger.redact : logger.redact.paths
  return { ...logger, redact: { paths: [...own, ...REDACTED_LOG_PATHS], censor: '[redacted]' } }
}
