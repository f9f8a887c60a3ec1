// Builds the peer's web client (page, uploads, downloads) from its components; never listens
// (server.ts does, tests inject).
import { randomBytes } from 'node:crypto'
import multipart from '@fastify/multipart'
import { createCentralClient, deriveClusterKeys, fileDeleteToken, REQUEST_ID_HEADER, requestIdOfRequest, timeHttpAnswers } from '@p2p/proto'
import type { CentralClient } from '@p2p/proto'
import Fastify from 'fastify'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import type { ClientConfig } from './config.js'
import type { ClientMetrics } from './metrics.js'
import { errorHandlerPlugin, sendError } from './plugins/error-handler.js'
import { servicesPlugin } from './plugins/services.js'
import { viewsPlugin } from './plugins/views.js'
import { apiPeersRoutes } from './routes/api-peers.js'
import { apiReplicationRoutes } from './routes/api-replication.js'
import { downloadProgressRoutes } from './routes/download-progress.js'
import { fileDeleteRoutes } from './routes/file-delete.js'
import { fileDownloadRoutes } from './routes/file-download.js'
import { healthRoutes } from './routes/health.js'
import { listFilesRoutes } from './routes/list-files.js'
import { pageFragmentRoutes } from './routes/page-fragments.js'
import { pageRoutes } from './routes/page.js'
import { staticFileRoutes } from './routes/static-files.js'
import { uploadCheckRoutes } from './routes/upload-check.js'
import { uploadRoutes } from './routes/upload.js'
import { connectOnDemand } from './transfers/peer-connector.js'
import type { ConnectPeer } from './transfers/peer-connector.js'

/** A 255-byte file name, percent-encoded, is up to 765 characters in a URL (Fastify's default is 100). */
const MAX_PARAM_LENGTH = 1024

export interface ClientAppOptions {
  config: Pick<ClientConfig, 'centralUrls' | 'maxUploadBytes' | 'peerName' | 'clusterSecret'> & Partial<Pick<ClientConfig, 'centralTimeoutMs' | 'trustedProxies' | 'pieceTimeoutMs' | 'keepDownloads' | 'drainGraceMs'>>
  /** Default: createCentralClient for config.centralUrls, signing as `pclient:<peerName>` (or `pclient:web-<random>`). */
  central?: CentralClient
  /** Default: connectOnDemand (transfers/peer-connector.ts), @p2p/proto's client loaded at the first transfer. */
  connectPeer?: ConnectPeer
  /** Fastify logger options; default: no logging. */
  logger?: FastifyServerOptions['logger']
  /** What the app counts for Prometheus (served by server.ts on its own port); default: nothing. */
  metrics?: ClientMetrics
}

export function buildClientApp (options: ClientAppOptions): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH, ignoreTrailingSlash: true },
    // The proxy's x-request-id (checked: runtime/request-id.ts) or a new one, logged as reqId and passed
    // on to the central and the peers, so one transfer can be followed across services.
    requestIdHeader: false,
    genReqId: requestIdOfRequest,
    // X-Forwarded-* is believed only from this machine's own proxy.
    trustProxy: options.config.trustedProxies ?? ['127.0.0.1', '::1'],
    // A request arriving while the app drains gets PCLIENT_SHUTTING_DOWN (plugins/services.ts), not
    // Fastify's own plain 503 body.
    return503OnClosing: false,
    // Errors raised before routing (a malformed URL) get the same body as every other error.
    frameworkErrors: (err, request, reply) => { void sendError(err, request, reply) }
  })
  app.addHook('onRequest', async (request, reply) => { void reply.header(REQUEST_ID_HEADER, request.id) })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  const { metrics } = options
  if (metrics != null) timeHttpAnswers(app, metrics.observeHttp)

  void app.register(servicesPlugin, {
    central: options.central ?? createCentralClient({
      baseUrls: options.config.centralUrls,
      ...(options.config.centralTimeoutMs == null ? {} : { timeoutMs: options.config.centralTimeoutMs }),
      // Without a name, a random one: the central's rate limit counts each member apart, so web clients
      // must not share one name.
      signer: { id: `pclient:${options.config.peerName ?? `web-${randomBytes(4).toString('hex')}`}`, key: deriveClusterKeys(options.config.clusterSecret).peerRequests }
    }),
    connectPeer: options.connectPeer ?? connectOnDemand,
    ...(metrics == null ? {} : { metrics }),
    settings: {
      maxUploadBytes: options.config.maxUploadBytes,
      peerName: options.config.peerName,
      deleteTokenFor: (name: string, sha256: string) => fileDeleteToken(options.config.clusterSecret, name, sha256),
      ...(options.config.pieceTimeoutMs == null ? {} : { pieceTimeoutMs: options.config.pieceTimeoutMs }),
      ...(options.config.keepDownloads == null ? {} : { keepDownloads: options.config.keepDownloads })
    },
    ...(options.config.drainGraceMs == null ? {} : { drainGraceMs: options.config.drainGraceMs })
  })
  void app.register(errorHandlerPlugin)
  void app.register(viewsPlugin)
  void app.register(multipart, { limits: { fileSize: options.config.maxUploadBytes } })
  void app.register(pageRoutes)
  void app.register(pageFragmentRoutes)
  void app.register(apiPeersRoutes)
  void app.register(apiReplicationRoutes)
  void app.register(staticFileRoutes)
  void app.register(uploadCheckRoutes)
  void app.register(uploadRoutes)
  void app.register(fileDownloadRoutes)
  void app.register(fileDeleteRoutes)
  void app.register(downloadProgressRoutes)
  void app.register(listFilesRoutes)
  void app.register(healthRoutes)
  return app
}
