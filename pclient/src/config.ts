// The web client's configuration, read from the environment once and validated; nothing else reads process.env.
import { z } from 'zod'
import {
  DEFAULT_CENTRAL_TIMEOUT_MS, DEFAULT_METRICS_PORTS, byteSizeSchema, centralUrlEnvShape, centralUrlProblems, centralUrlsOf, clusterSecretSchema, drainGraceSchema,
  logLevelSchema, metricsHostSchema, metricsPortSchema, parseEnv, unsetIfEmpty
} from '@p2p/proto'
import type { LogLevel } from '@p2p/proto'

const configSchema = z.object({
  HOST: z.preprocess(unsetIfEmpty, z.string().min(1).default('127.0.0.1')),
  PORT: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(0).max(65535).default(9001)),
  /** CENTRAL_URL (one address) or CENTRAL_URLS (several, comma-separated: tried in turn when one fails). */
  ...centralUrlEnvShape,
  /** How long one try at one address of the central may take before it counts as unreachable (a lookup takes milliseconds). */
  CENTRAL_TIMEOUT_MS: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(100).max(60_000).default(DEFAULT_CENTRAL_TIMEOUT_MS)),
  /** A label for this peer, shown on the page. */
  PEER_NAME: z.preprocess(unsetIfEmpty, z.string().max(100).optional()),
  MAX_UPLOAD_BYTES: z.preprocess(unsetIfEmpty, byteSizeSchema().default(2 ** 40)),
  LOG_LEVEL: z.preprocess(unsetIfEmpty, logLevelSchema),
  /** Proves to the central that this client belongs to the cluster; never shown or logged. */
  CLUSTER_SECRET: clusterSecretSchema,
  /** Addresses whose X-Forwarded-For is believed: the machine's own proxy. */
  TRUSTED_PROXIES: z.preprocess(unsetIfEmpty, z.string().default('127.0.0.1,::1')),
  /** How long a holder may take to deliver one whole piece of a multi-source download before it is dropped. */
  PIECE_TIMEOUT_MS: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(100).max(3_600_000).default(30_000)),
  /** 'true': after a whole file was downloaded, this peer keeps a copy too (and serves it); needs PEER_NAME. */
  KEEP_DOWNLOADS: z.preprocess(unsetIfEmpty, z.enum(['true', 'false']).default('false')),
  /** Where GET /metrics is served (Prometheus): a port of its own, never the page's, which the proxy forwards. */
  METRICS_HOST: metricsHostSchema,
  METRICS_PORT: metricsPortSchema(DEFAULT_METRICS_PORTS.pclient),
  /** On SIGTERM: how long the uploads and downloads in flight may take to finish before they are cut. */
  DRAIN_GRACE_MS: drainGraceSchema
})

export interface ClientConfig {
  host: string
  port: number
  /** The central's addresses, tried in this order when one fails (the one that answered first after that). */
  centralUrls: string[]
  centralTimeoutMs: number
  peerName: string | null
  /** Largest upload request (its Content-Length) the client accepts. */
  maxUploadBytes: number
  logLevel: LogLevel
  clusterSecret: string
  trustedProxies: string[]
  pieceTimeoutMs: number
  keepDownloads: boolean
  metricsHost: string
  metricsPort: number
  drainGraceMs: number
}

/** Parses the environment once; throws one error whose message lists every bad variable. */
export function loadConfig (env: NodeJS.ProcessEnv = process.env): ClientConfig {
  const e = parseEnv('pclient', configSchema, env, centralUrlProblems(env))
  return {
    host: e.HOST,
    port: e.PORT,
    centralUrls: centralUrlsOf(e),
    centralTimeoutMs: e.CENTRAL_TIMEOUT_MS,
    peerName: e.PEER_NAME ?? null,
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    logLevel: e.LOG_LEVEL,
    clusterSecret: e.CLUSTER_SECRET,
    trustedProxies: e.TRUSTED_PROXIES.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''),
    pieceTimeoutMs: e.PIECE_TIMEOUT_MS,
    keepDownloads: e.KEEP_DOWNLOADS === 'true',
    metricsHost: e.METRICS_HOST,
    metricsPort: e.METRICS_PORT,
    drainGraceMs: e.DRAIN_GRACE_MS
  }
}
