// The central's configuration, read from the environment once and validated; nothing else reads process.env.
import { z } from 'zod'

// An empty variable (PORT=) means "use the default", not zero.
const unsetIfEmpty = (value: unknown): unknown => (value === '' ? undefined : value)

function wholeNumber (min: number, max: number, fallback: number): z.ZodType<number> {
  const error = `must be a whole number from ${min} to ${max}`
  return z.preprocess(unsetIfEmpty, z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error }).default(fallback))
}

const configSchema = z.object({
  HOST: z.preprocess(unsetIfEmpty, z.string().min(1).default('127.0.0.1')),
  PORT: wholeNumber(0, 65535, 9000),
  /** How often peers heartbeat; a peer that misses three intervals is expired. */
  HEARTBEAT_INTERVAL_MS: wholeNumber(10, 3_600_000, 5000),
  LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'))
})

export interface CentralConfig {
  host: string
  port: number
  heartbeatIntervalMs: number
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
}

/** Parses the environment once; throws one error whose message lists every bad variable. */
export function loadConfig (env: NodeJS.ProcessEnv = process.env): CentralConfig {
  const parsed = configSchema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
    throw new Error(`invalid central-server configuration:\n${lines.join('\n')}`)
  }
  return {
    host: parsed.data.HOST,
    port: parsed.data.PORT,
    heartbeatIntervalMs: parsed.data.HEARTBEAT_INTERVAL_MS,
    logLevel: parsed.data.LOG_LEVEL
  }
}
