// The proxy's configuration, read from the environment once and validated; nothing else reads process.env.
import { DEFAULT_METRICS_PORTS, drainGraceSchema, logLevelSchema, metricsHostSchema, metricsPortSchema, parseEnv, unsetIfEmpty } from '@p2p/proto/runtime'
import type { ConfigProblem } from '@p2p/proto/runtime'
import { z } from 'zod'

const httpUrl = (error: string): z.ZodURL => z.url({ protocol: /^https?$/, error })

/** A comma-separated list, blanks around commas and empty entries ignored, each an http(s) URL once. */
const upstreamListSchema = z.string()
  .transform((value) => value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
  .pipe(z.array(httpUrl('each entry must be an http(s) URL, e.g. http://127.0.0.1:9000'))
    .min(1, { error: 'must list at least one http(s) URL, e.g. http://127.0.0.1:9000,http://127.0.0.1:9010' }))
  .refine((urls) => new Set(urls).size === urls.length, { error: 'names the same URL twice' })

const configSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** The one service this machine exposes; requests can never choose another target. */
  UPSTREAM_URL: z.preprocess(unsetIfEmpty, httpUrl('UPSTREAM_URL must be an http(s) URL, e.g. http://127.0.0.1:9001').optional()),
  /**
   * Instead of UPSTREAM_URL: several instances of the same service (the central's replicas), which
   * share the requests and stand in for one another. Requests can still never choose a target.
   */
  UPSTREAM_URLS: z.preprocess(unsetIfEmpty, upstreamListSchema.optional()),
  /** How often an upstream taken out of turn is asked `GET /health`, to bring it back once it answers. */
  UPSTREAM_PROBE_INTERVAL_MS: z.coerce.number().int().positive().default(1_000),
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
  /** Where the proxy's own GET /metrics is served: a port of its own; /metrics on PORT is always 404. */
  METRICS_HOST: metricsHostSchema,
  METRICS_PORT: metricsPortSchema(DEFAULT_METRICS_PORTS.proxy),
  /**
   * 'true': keep the x-request-id a client sends (when well formed) instead of choosing a new one, so
   * one id follows a request from whoever sent it: set it behind a load balancer you run, and on the
   * central machine, whose clients are the peers' pclients and pservers carrying their request's id.
   */
  TRUST_REQUEST_ID: z.preprocess(unsetIfEmpty, z.enum(['true', 'false'], { error: "must be 'true' or 'false'" }).default('false')),
  /** On SIGTERM: how long the requests in flight (a long download) may take to finish before they are cut. */
  DRAIN_GRACE_MS: drainGraceSchema,
  LOG_LEVEL: logLevelSchema
})

export type ProxyConfig = z.infer<typeof configSchema> & {
  /** Every upstream, whichever variable named them: UPSTREAM_URL's one, or UPSTREAM_URLS's list. */
  upstreamUrls: string[]
}

/** One variable or the other: both set would leave it unclear which the operator meant. */
function upstreamProblems (env: NodeJS.ProcessEnv): ConfigProblem[] {
  const single = (env.UPSTREAM_URL ?? '') !== ''
  const list = (env.UPSTREAM_URLS ?? '') !== ''
  if (single !== list) return []
  return [{
    variable: 'UPSTREAM_URL',
    message: single
      ? 'set UPSTREAM_URL or UPSTREAM_URLS, not both'
      : 'required (or UPSTREAM_URLS): the service behind this proxy, e.g. http://127.0.0.1:9001'
  }]
}

export function loadConfig (env: NodeJS.ProcessEnv = process.env): ProxyConfig {
  const config = parseEnv('proxy', configSchema, env, upstreamProblems(env))
  return { ...config, upstreamUrls: config.UPSTREAM_URLS ?? (config.UPSTREAM_URL != null ? [config.UPSTREAM_URL] : []) }
}
