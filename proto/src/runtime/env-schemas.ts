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
