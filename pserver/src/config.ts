// The pserver's configuration: the only reader of process.env. Parsed once, every bad variable
// reported in one readable error.
import path from 'node:path'
import { z } from 'zod'
import {
  byteSizeSchema, centralUrlEnvShape, centralUrlProblems, centralUrlsOf, clusterSecretSchema, DEFAULT_METRICS_PORTS, drainGraceSchema, grpcAddressSchema, logLevelSchema,
  metricsHostSchema, metricsPortSchema, parseEnv, peerIdSchema, unsetIfEmpty
} from '@p2p/proto'
import type { ConfigProblem } from '@p2p/proto'

const DEFAULT_CENTRAL_TIMEOUT_MS = 5_000

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]'])

/** Optional variables treat an empty string as unset (compose files often pass `VAR=`). */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetIfEmpty, schema.optional())

const bytesPerSecondSchema = byteSizeSchema({ what: 'number of bytes per second', examples: '20MiB' })

const envSchema = z.object({
  PEER_ID: optional(peerIdSchema),
  DATA_DIR: z.string().min(1).default('./data'),
  SEED_DIR: optional(z.string()),
  GRPC_HOST: z.string().min(1).default('127.0.0.1'),
  GRPC_PORT: z.coerce.number().int().min(0).max(65535).default(50051),
  ADVERTISE_ADDRESS: optional(grpcAddressSchema),
  /** CENTRAL_URL (one address) or CENTRAL_URLS (several, comma-separated: tried in turn when one fails). */
  ...centralUrlEnvShape,
  /**
   * How long one request to the central may take. Longer than pclient's lookups (2 s): a registration
   * carries this peer's whole file list, and nobody waits on a page for it.
   */
  CENTRAL_TIMEOUT_MS: optional(z.coerce.number().int().min(100).max(120_000)),
  CAPACITY_BYTES: z.string().default('10GiB').pipe(byteSizeSchema()),
  /** Caps how fast this peer sends file bytes, all downloads together (e.g. '20MiB' a second); unset: no cap. */
  SEND_BYTES_PER_SECOND: optional(bytesPerSecondSchema),
  /** Caps how fast this peer fetches the copies the central orders, all together; unset: no cap. */
  COPY_BYTES_PER_SECOND: optional(bytesPerSecondSchema),
  LOG_LEVEL: logLevelSchema,
  /** Where GET /metrics is served (Prometheus); never the gRPC port. */
  METRICS_HOST: metricsHostSchema,
  METRICS_PORT: metricsPortSchema(DEFAULT_METRICS_PORTS.pserver),
  /** On SIGTERM: how long running downloads and uploads may take to finish after this peer left the central. */
  DRAIN_GRACE_MS: drainGraceSchema,
  /** Proves membership to the central and verifies the central's tickets; never logged. */
  CLUSTER_SECRET: clusterSecretSchema
})

/** A wildcard bind address cannot be dialled from elsewhere, so the peer must be told what to announce. */
function wildcardProblems (env: NodeJS.ProcessEnv): ConfigProblem[] {
  const host = env.GRPC_HOST ?? ''
  if (!WILDCARD_HOSTS.has(host) || (env.ADVERTISE_ADDRESS ?? '') !== '') return []
  return [{ variable: 'ADVERTISE_ADDRESS', message: `is required when GRPC_HOST is the wildcard ${host}: other machines cannot dial it` }]
}

export interface PeerConfig {
  /** Unset: a random id persisted in DATA_DIR/peer-id. */
  peerId: string | undefined
  dataDir: string
  seedDir: string | undefined
  grpcHost: string
  grpcPort: number
  /** Unset: GRPC_HOST:bound-port (see advertiseAddressFor). */
  advertiseAddress: string | undefined
  /** The central's addresses, tried in this order when one fails (the one that answered first after that). */
  centralUrls: string[]
  /** Per try at one address of the central. */
  centralTimeoutMs: number
  capacityBytes: number
  /** Unset: no cap. */
  sendBytesPerSecond: number | undefined
  /** Unset: no cap. */
  copyBytesPerSecond: number | undefined
  logLevel: string
  clusterSecret: string
  metricsHost: string
  metricsPort: number
  /** On SIGTERM: how long the running transfers may take to finish. */
  drainGraceMs: number
}

export function loadConfig (env: NodeJS.ProcessEnv = process.env): PeerConfig {
  const e = parseEnv('pserver', envSchema, env, [...wildcardProblems(env), ...centralUrlProblems(env)])
  return {
    peerId: e.PEER_ID,
    dataDir: path.resolve(e.DATA_DIR),
    seedDir: e.SEED_DIR == null ? undefined : path.resolve(e.SEED_DIR),
    grpcHost: e.GRPC_HOST,
    grpcPort: e.GRPC_PORT,
    advertiseAddress: e.ADVERTISE_ADDRESS,
    centralUrls: centralUrlsOf(e),
    centralTimeoutMs: e.CENTRAL_TIMEOUT_MS ?? DEFAULT_CENTRAL_TIMEOUT_MS,
    capacityBytes: e.CAPACITY_BYTES,
    sendBytesPerSecond: e.SEND_BYTES_PER_SECOND,
    copyBytesPerSecond: e.COPY_BYTES_PER_SECOND,
    logLevel: e.LOG_LEVEL,
    clusterSecret: e.CLUSTER_SECRET,
    metricsHost: e.METRICS_HOST,
    metricsPort: e.METRICS_PORT,
    drainGraceMs: e.DRAIN_GRACE_MS
  }
}

/** host:port as gRPC and the central expect it, bracketing a bare IPv6 host. */
export function formatHostPort (host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`
}

/** The address announced to the central once the server is bound to `boundPort`. */
export function advertiseAddressFor (config: Pick<PeerConfig, 'advertiseAddress' | 'grpcHost'>, boundPort: number): string {
  return config.advertiseAddress ?? formatHostPort(config.grpcHost, boundPort)
}
