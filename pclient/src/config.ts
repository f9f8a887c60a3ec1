// The web client's configuration, read from the environment once and validated; nothing else reads process.env.
import { z } from 'zod'
import { DEFAULT_CENTRAL_TIMEOUT_MS, clusterSecretSchema } from '@p2p/proto'
import { parseByteSize } from './byte-size.js'

// An empty variable (PORT=) means "use the default", not zero.
const unsetIfEmpty = (value: unknown): unknown => (value === '' ? undefined : value)

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

const byteSizeSchema = z.string().transform((text, ctx) => {
  const bytes = parseByteSize(text)
  if (bytes == null || bytes <= 0) {
    ctx.addIssue({ code: 'custom', message: 'expected a positive size in bytes, optionally with a unit (500MiB, 10GiB, 1TB)' })
    return z.NEVER
  }
  return bytes
})

const httpUrlSchema = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })

const configSchema = z.object({
  HOST: z.preprocess(unsetIfEmpty, z.string().min(1).default('127.0.0.1')),
  PORT: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(0).max(65535).default(9001)),
  CENTRAL_URL: z.preprocess(unsetIfEmpty, httpUrlSchema.default('http://127.0.0.1:8000')),
  /** How long one request to the central may take before it counts as unreachable (a lookup takes milliseconds). */
  CENTRAL_TIMEOUT_MS: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(100).max(60_000).default(DEFAULT_CENTRAL_TIMEOUT_MS)),
  /** A label for this peer, shown on the page. */
  PEER_NAME: z.preprocess(unsetIfEmpty, z.string().max(100).optional()),
  MAX_UPLOAD_BYTES: z.preprocess(unsetIfEmpty, byteSizeSchema.default(2 ** 40)),
  LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(LOG_LEVELS).default('info')),
  /** Proves to the central that this client belongs to the cluster; never shown or logged. */
  CLUSTER_SECRET: clusterSecretSchema,
  /** Addresses whose X-Forwarded-For is believed: the machine's own proxy. */
  TRUSTED_PROXIES: z.preprocess(unsetIfEmpty, z.string().default('127.0.0.1,::1')),
  /** How long a holder may take to deliver one whole piece of a multi-source download before it is dropped. */
  PIECE_TIMEOUT_MS: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(100).max(3_600_000).default(30_000)),
  /** 'true': after a whole file was downloaded, this peer keeps a copy too (and serves it); needs PEER_NAME. */
  KEEP_DOWNLOADS: z.preprocess(unsetIfEmpty, z.enum(['true', 'false']).default('false'))
})

export interface ClientConfig {
  host: string
  port: number
  centralUrl: string
  centralTimeoutMs: number
  peerName: string | null
  /** Largest upload request (its Content-Length) the client accepts. */
  maxUploadBytes: number
  logLevel: typeof LOG_LEVELS[number]
  clusterSecret: string
  trustedProxies: string[]
  pieceTimeoutMs: number
  keepDownloads: boolean
}

/** Parses the environment once; throws one error whose message lists every bad variable. */
export function loadConfig (env: NodeJS.ProcessEnv = process.env): ClientConfig {
  const parsed = configSchema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
    throw new Error(`invalid pclient configuration:\n${lines.join('\n')}`)
  }
  return {
    host: parsed.data.HOST,
    port: parsed.data.PORT,
    centralUrl: parsed.data.CENTRAL_URL,
    centralTimeoutMs: parsed.data.CENTRAL_TIMEOUT_MS,
    peerName: parsed.data.PEER_NAME ?? null,
    maxUploadBytes: parsed.data.MAX_UPLOAD_BYTES,
    logLevel: parsed.data.LOG_LEVEL,
    clusterSecret: parsed.data.CLUSTER_SECRET,
    trustedProxies: parsed.data.TRUSTED_PROXIES.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''),
    pieceTimeoutMs: parsed.data.PIECE_TIMEOUT_MS,
    keepDownloads: parsed.data.KEEP_DOWNLOADS === 'true'
  }
}
