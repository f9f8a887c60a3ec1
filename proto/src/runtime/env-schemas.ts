// Schemas for the environment variables several services read, so they accept the same values.
import { z } from 'zod'
import { parseByteSize } from './byte-size.js'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = typeof LOG_LEVELS[number]

export const logLevelSchema = z.enum(LOG_LEVELS).default('info')

/** For z.preprocess: an empty variable (PORT=, as compose files often pass) means "use the default", not zero. */
export const unsetIfEmpty = (value: unknown): unknown => (value === '' ? undefined : value)

export interface ByteSizeSchemaOptions {
  /** What the value is, for the message: 'size' unless said. */
  what?: string
  /** Example values for the message. */
  examples?: string
}

/** A positive byte count, as plain bytes or with a unit ("500MiB", "10 GiB", "1TB"). */
export function byteSizeSchema (options: ByteSizeSchemaOptions = {}) {
  const { what = 'size', examples = '500MiB, 10GiB, 1TB' } = options
  return z.string().transform((raw, ctx) => {
    const bytes = parseByteSize(raw)
    if (bytes == null || bytes <= 0) {
      ctx.addIssue({ code: 'custom', message: `"${raw}" is not a positive ${what} (plain bytes, or a unit: ${examples})` })
      return z.NEVER
    }
    return bytes
  })
}

/** How long a stopping service lets transfers in flight finish (DRAIN_GRACE_MS) when unset. */
export const DEFAULT_DRAIN_GRACE_MS = 30_000

const DRAIN_GRACE_ERROR = 'must be a whole number of milliseconds from 0 to 600000'

/**
 * DRAIN_GRACE_MS: on SIGTERM a service stops taking new work and gives the work in flight this long to
 * finish before cutting it. The compose files' stop_grace_period must be a few seconds longer.
 */
export const drainGraceSchema = z.preprocess(unsetIfEmpty, z.coerce.number({ error: DRAIN_GRACE_ERROR })
  .int({ error: DRAIN_GRACE_ERROR }).min(0, { error: DRAIN_GRACE_ERROR }).max(600_000, { error: DRAIN_GRACE_ERROR })
  .default(DEFAULT_DRAIN_GRACE_MS))
