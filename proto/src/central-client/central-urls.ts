// The central's addresses as pserver and pclient read them from their environment: CENTRAL_URL (one
// address) or CENTRAL_URLS (several, comma-separated, tried in turn when one fails), never both, so
// an operator never wonders which of the two is used.
import { z } from 'zod'
import { unsetIfEmpty } from '../runtime/env-schemas.js'
import type { ConfigProblem } from '../runtime/load-config.js'

export const DEFAULT_CENTRAL_URL = 'http://127.0.0.1:8000'

const httpUrlSchema = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })

/** 'http://a:8000, http://b:8000' -> both, each checked; blanks around commas ignored, repeats dropped. */
const urlListSchema = z.string().transform((raw, ctx) => {
  const entries = raw.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '')
  if (entries.length === 0) ctx.addIssue({ code: 'custom', message: 'expected one or more http:// or https:// URLs, separated by commas' })
  for (const [index, entry] of entries.entries()) {
    if (!httpUrlSchema.safeParse(entry).success) {
      ctx.addIssue({ code: 'custom', message: `entry ${index + 1} of ${entries.length} ("${entry}") is not an http:// or https:// URL` })
    }
  }
  return [...new Set(entries.map((entry) => entry.replace(/\/+$/, '')))]
})

/** The two variables, to spread into a service's environment schema. */
export const centralUrlEnvShape = {
  CENTRAL_URL: z.preprocess(unsetIfEmpty, httpUrlSchema.optional()),
  CENTRAL_URLS: z.preprocess(unsetIfEmpty, urlListSchema.optional())
}

/** For parseEnv's problems: both variables set is refused rather than one silently winning. */
export function centralUrlProblems (env: NodeJS.ProcessEnv): ConfigProblem[] {
  const set = (name: string): boolean => (env[name] ?? '').trim() !== ''
  return set('CENTRAL_URL') && set('CENTRAL_URLS')
    ? [{ variable: 'CENTRAL_URLS', message: 'set CENTRAL_URL (one address) or CENTRAL_URLS (several), not both' }]
    : []
}

/** The addresses the parsed variables name, in order; DEFAULT_CENTRAL_URL when neither is set. */
export function centralUrlsOf (parsed: { CENTRAL_URL?: string | undefined, CENTRAL_URLS?: string[] | undefined }): string[] {
  return parsed.CENTRAL_URLS ?? [parsed.CENTRAL_URL ?? DEFAULT_CENTRAL_URL]
}
