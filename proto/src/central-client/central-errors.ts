// What a call to the central can fail with: the central answered with an error, or no central could be
// reached. With several central addresses, the error is the last address's, and its message names every
// address tried and why each failed, so an operator sees the whole story in one log line.

/** The central answered with an error: `code` is its stable error code (see CentralErrorCode). */
export class CentralRequestError extends Error {
  constructor (readonly statusCode: number, readonly code: string, message: string) {
    super(message)
    this.name = 'CentralRequestError'
  }
}

export interface CentralUnreachableOptions {
  cause: unknown
  /** Set when the central did not answer in time (rather than refusing the connection). */
  timeoutMs?: number
  /** Every address tried before this one and why it failed ('http://a (ECONNREFUSED)'), for the message. */
  triedBefore?: string[]
}

/** The central could not be reached, or did not answer in time (then `timeoutMs` is set). */
export class CentralUnreachableError extends Error {
  readonly code = 'CENTRAL_UNREACHABLE'
  readonly timeoutMs: number | null
  /** `baseUrl` is the last address tried. */
  constructor (readonly baseUrl: string, options: CentralUnreachableOptions) {
    const tried = options.triedBefore ?? []
    const code = systemErrorCode(options.cause)
    super(tried.length > 0
      ? `the central directory is unreachable at every address tried: ${[...tried, `${baseUrl} (${unreachableReason(options.cause, options.timeoutMs)})`].join(', ')}`
      : options.timeoutMs != null
        ? `the central directory at ${baseUrl} did not answer within ${options.timeoutMs} ms`
        : `the central directory at ${baseUrl} is unreachable${code != null ? ` (${code})` : ''}`, { cause: options.cause })
    this.name = 'CentralUnreachableError'
    this.timeoutMs = options.timeoutMs ?? null
  }
}

/** Why one address failed, in a few words: 'ECONNREFUSED', 'did not answer within 2000 ms'. */
export function unreachableReason (cause: unknown, timeoutMs: number | null | undefined): string {
  if (timeoutMs != null) return `did not answer within ${timeoutMs} ms`
  return systemErrorCode(cause) ?? 'unreachable'
}

/** The system's reason ('ECONNREFUSED') of a failed exchange, also when wrapped in another error's cause. */
export function systemErrorCode (cause: unknown): string | null {
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause
  return inner instanceof Error && 'code' in inner && typeof inner.code === 'string' ? inner.code : null
}
