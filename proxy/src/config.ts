// The proxy's configuration, read from the environment once and validated; nothing else reads process.env.
import { logLevelSchema, parseEnv } from '@p2p/proto'
import { z } from 'zod'

const configSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** The one service this machine exposes; requests can never choose another target. */
  UPSTREAM_URL: z.url({ protocol: /^https?$/, error: 'UPSTREAM_URL must be an http(s) URL, e.g. http://127.0.0.1:9001' }),
  /** A connection that sends or receives nothing for this long is closed (large transfers keep it busy). */
  IDLE_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
  /** The upstream must accept a new connection within this time (504 PROXY_UPSTREAM_TIMEOUT otherwise). */
  UPSTREAM_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /**
   * Once the whole request is sent, the upstream must start its answer within this time (504
   * PROXY_UPSTREAM_TIMEOUT otherwise). Long enough for a peer's upload, answered only after the file is
   * stored and announced; the central machine sets a few seconds, a directory lookup's worth.
   */
  UPSTREAM_ANSWER_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** Slow clients must send their request headers within this time. */
  HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
  LOG_LEVEL: logLevelSchema
})

export type ProxyConfig = z.infer<typeof configSchema>

export function loadConfig (env: NodeJS.ProcessEnv = process.env): ProxyConfig {
  return parseEnv('proxy', configSchema, env)
}
