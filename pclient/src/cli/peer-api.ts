// The peer's web client as `p2p` sees it: its JSON routes over HTTP (the ones the page uses), each
// answer parsed with the route's own schema, and every failure turned into a CliError with the right
// exit code and one sentence.
import { healthResponseSchema, listFilesResponseSchema, listPeersResponseSchema, replicationReportSchema } from '@p2p/proto/directory'
import { z } from 'zod'
import { CliError, ExitCode, exitCodeOf } from './exit-codes.js'

export const peersAnswerSchema = listPeersResponseSchema.extend({ central: healthResponseSchema })

const errorAnswerSchema = z.object({ error: z.string(), message: z.string().optional() })

export interface PeerApi {
  readonly baseUrl: URL
  /** GET or DELETE a JSON route; the answer is parsed with `schema`. */
  json: <S extends z.ZodType>(path: string, schema: S, init?: RequestInit) => Promise<z.infer<S>>
  /** A request whose body the caller reads (downloads); failures to connect become CliErrors. */
  fetch: (path: string, init?: RequestInit) => Promise<Response>
}

/** `--peer` checked: an http(s) URL with no path of its own beyond `/` (a proxy prefix is kept). */
export function parsePeerUrl (text: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new CliError(ExitCode.Usage, `the peer address '${text}' is not a URL (for example http://127.0.0.1:8001)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(ExitCode.Usage, `the peer address '${text}' must start with http:// or https://`)
  if (!url.pathname.endsWith('/')) url.pathname += '/'
  return url
}

/** The CliError for an answer that is not a success: the route's error code decides the exit code. */
export async function answerError (response: Response, what: string): Promise<CliError> {
  const text = await response.text().catch(() => '')
  let parsed: z.infer<typeof errorAnswerSchema> | undefined
  try {
    parsed = errorAnswerSchema.parse(JSON.parse(text))
  } catch {
    parsed = undefined
  }
  if (parsed == null) return new CliError(ExitCode.Failed, `${what} failed: the peer answered ${response.status} ${response.statusText}`.trim())
  const reason = parsed.message ?? parsed.error
  return new CliError(exitCodeOf(parsed.error), `${what} failed: ${reason.replace(/\.$/, '')}`, { code: parsed.error })
}

export function createPeerApi (baseUrl: URL): PeerApi {
  const send = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(path.replace(/^\//, ''), baseUrl)
    try {
      return await fetch(url, { ...init, headers: { accept: 'application/json', ...init.headers } })
    } catch (err) {
      if (init.signal?.aborted === true) throw err
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err
      const detail = cause instanceof Error && 'code' in cause && typeof cause.code === 'string' ? cause.code : String(cause instanceof Error ? cause.message : cause)
      throw new CliError(ExitCode.Unreachable, `cannot reach the peer at ${baseUrl.origin} (${detail}); is it running? Set --peer or P2P_PEER`, { cause: err })
    }
  }
  return {
    baseUrl,
    fetch: send,
    async json (path, schema, init) {
      const response = await send(path, init)
      if (!response.ok) throw await answerError(response, `${init?.method ?? 'GET'} ${path.split('?')[0] ?? path}`)
      const body: unknown = await response.json().catch(() => undefined)
      const parsed = schema.safeParse(body)
      if (!parsed.success) throw new CliError(ExitCode.Failed, `the peer's answer to ${path} is not what a p2p web client answers; is ${baseUrl.origin} one?`)
      return parsed.data
    }
  }
}

export { healthResponseSchema, listFilesResponseSchema, replicationReportSchema }
