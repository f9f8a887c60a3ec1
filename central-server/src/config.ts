// The central's configuration, read from the environment once and validated; nothing else reads process.env.
// The cluster secret is never part of an error message: only the variable's name and what is wrong with it.
import { isIP } from 'node:net'
import os from 'node:os'
import { clusterSecretSchema, DEFAULT_METRICS_PORTS, DEFAULT_TICKET_TTL_MS, logLevelSchema, metricsHostSchema, metricsPortSchema, parseEnv, unsetIfEmpty } from '@p2p/proto/directory'
import type { LogLevel } from '@p2p/proto/directory'
import { z } from 'zod'
import { DEFAULT_REPLICATION_FACTOR, DEFAULT_TOMBSTONE_TTL_MS } from './directory/context.js'

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600
/** The proxy in front of the central runs on the same machine. */
export const DEFAULT_TRUSTED_PROXIES = '127.0.0.1,::1'

function wholeNumber (min: number, max: number, fallback: number): z.ZodType<number> {
  const error = `must be a whole number from ${min} to ${max}`
  return z.preprocess(unsetIfEmpty, z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error }).default(fallback))
}

/** The names proxy-addr knows, besides addresses and CIDR ranges. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal'])

function isProxyEntry (entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true
  const [address = '', prefix, ...rest] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || rest.length > 0) return false
  return prefix == null || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))
}

const trustedProxiesSchema = z.preprocess(unsetIfEmpty, z.string().default(DEFAULT_TRUSTED_PROXIES))
  .transform((value) => value.trim() === 'none' ? [] : value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
  .refine((entries) => entries.every(isProxyEntry), {
    error: "must be 'none' or a comma-separated list of IP addresses, CIDR ranges (10.0.0.0/8) or loopback/linklocal/uniquelocal"
  })

/** Which replica of the central answered (GET /health), unless REPLICA_ID names it. */
export function defaultReplicaId (): string {
  return `${os.hostname()}-${process.pid}`
}

function isRedisUrl (value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== ''
  } catch {
    return false
  }
}

const configSchema = z.object({
  HOST: z.preprocess(unsetIfEmpty, z.string().min(1).default('127.0.0.1')),
  PORT: wholeNumber(0, 65535, 9000),
  /** How often peers heartbeat; a peer that misses three intervals is expired. */
  HEARTBEAT_INTERVAL_MS: wholeNumber(10, 3_600_000, 5000),
  LOG_LEVEL: z.preprocess(unsetIfEmpty, logLevelSchema),
  CLUSTER_SECRET: z.preprocess(unsetIfEmpty, z.string({
    error: 'required: the secret every member of the network shares (at least 32 characters, e.g. `openssl rand -hex 32`)'
  }).pipe(clusterSecretSchema)),
  /** How long a transfer ticket the central hands out stays good. */
  TICKET_TTL_MS: wholeNumber(1000, 86_400_000, DEFAULT_TICKET_TTL_MS),
  /** Requests a minute per client IP (public routes, failed authentications) and per member (signed routes). */
  RATE_LIMIT_PER_MINUTE: wholeNumber(1, 1_000_000, DEFAULT_RATE_LIMIT_PER_MINUTE),
  /** Proxies whose X-Forwarded-For / X-Forwarded-Proto headers are believed. */
  TRUSTED_PROXIES: trustedProxiesSchema,
  /** Live copies the central keeps of each file (fewer when fewer peers have room). */
  REPLICATION_FACTOR: wholeNumber(1, 16, DEFAULT_REPLICATION_FACTOR),
  /** Where the directory lives: this process's memory (one central), or Redis (several replicas share it). */
  DIRECTORY_STORE: z.preprocess(unsetIfEmpty, z.enum(['memory', 'redis'], { error: "must be 'memory' or 'redis'" }).default('memory')),
  REDIS_URL: z.preprocess(unsetIfEmpty, z.string().refine(isRedisUrl, {
    error: 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379'
  }).optional()),
  REPLICA_ID: z.preprocess(unsetIfEmpty, z.string().max(200).regex(/^[\x21-\x7e]+$/, {
    error: 'must be 1-200 printable characters without spaces'
  }).default(defaultReplicaId)),
  /** How long a deleted file's tombstone lasts (a peer away longer may bring the file back): default 7 days. */
  TOMBSTONE_TTL_MS: wholeNumber(1000, 365 * 86_400_000, DEFAULT_TOMBSTONE_TTL_MS),
  /** Where GET /metrics is served (Prometheus): a port of its own, never the API's, which the proxy forwards. */
  METRICS_HOST: metricsHostSchema,
  METRICS_PORT: metricsPortSchema(DEFAULT_METRICS_PORTS['central-server'])
})

/** Where the directory is kept; a Redis URL may carry a password, so it is never logged. */
export type DirectoryStoreConfig = { kind: 'memory' } | { kind: 'redis', url: string }

export interface CentralConfig {
  host: string
  port: number
  heartbeatIntervalMs: number
  logLevel: LogLevel
  /** Never log it, never put it in a message. */
  clusterSecret: string
  ticketTtlMs: number
  rateLimitPerMinute: number
  /** Addresses or ranges; empty: trust no proxy. */
  trustedProxies: string[]
  replicationFactor: number
  directoryStore: DirectoryStoreConfig
  /** Names this replica in GET /health. */
  replicaId: string
  tombstoneTtlMs: number
  metricsHost: string
  metricsPort: number
}

/** Parses the environment once; throws one error whose message lists every bad variable. */
export function loadConfig (env: NodeJS.ProcessEnv = process.env): CentralConfig {
  // Only the variable's name and the schema's fixed message: an issue's input (the secret) is never shown.
  const redisWithoutUrl = env.DIRECTORY_STORE === 'redis' && (env.REDIS_URL ?? '') === ''
  const e = parseEnv('central-server', configSchema, env, redisWithoutUrl
    ? [{ variable: 'REDIS_URL', message: 'required when DIRECTORY_STORE=redis, e.g. redis://127.0.0.1:6379' }]
    : [])
  return {
    host: e.HOST,
    port: e.PORT,
    heartbeatIntervalMs: e.HEARTBEAT_INTERVAL_MS,
    logLevel: e.LOG_LEVEL,
    clusterSecret: e.CLUSTER_SECRET,
    ticketTtlMs: e.TICKET_TTL_MS,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    trustedProxies: e.TRUSTED_PROXIES,
    replicationFactor: e.REPLICATION_FACTOR,
    directoryStore: e.DIRECTORY_STORE === 'redis' && e.REDIS_URL != null ? { kind: 'redis', url: e.REDIS_URL } : { kind: 'memory' },
    replicaId: e.REPLICA_ID,
    tombstoneTtlMs: e.TOMBSTONE_TTL_MS,
    metricsHost: e.METRICS_HOST,
    metricsPort: e.METRICS_PORT
  }
}
