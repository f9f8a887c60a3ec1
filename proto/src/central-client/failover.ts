// Several addresses of the central (its replicas, or proxies in front of them): a call goes first to the
// address that last answered, and moves to the next one when that one is down, so a peer or a page rides
// through the loss of one central. Each call tries each address at most once, so a call takes at most
// (number of addresses) x (the per-try timeout).
import { CentralRequestError, CentralUnreachableError, systemErrorCode, unreachableReason } from './central-errors.js'

/**
 * After which failures a call may be sent again to another address.
 * - 'idempotent': any sign that this central is unavailable (unreachable, no answer in time, 502, 503 or
 *   504, from the central or a proxy): doing the call twice is harmless.
 * - 'if-never-arrived': only when the request surely never reached a central (the connection was
 *   refused, the name did not resolve). Not after a timeout or a 5xx: the call may have been carried out.
 */
export type RetryPolicy = 'idempotent' | 'if-never-arrived'

/** How one try at one address ended. */
export type TryOutcome<T> =
  | { ok: true, value: T }
  | {
    ok: false
    error: CentralRequestError | CentralUnreachableError
    /** This address cannot serve now (down, overloaded, its store unreachable): another one may. */
    unavailable: boolean
    /** The request never left this machine or was refused at connect: no central saw it. */
    neverArrived: boolean
  }

/** What a proxy answers for a dead or silent upstream, and the central while its store is unreachable. */
export const UNAVAILABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504])

/** Connect-time failures: the request was never sent. */
const NEVER_ARRIVED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])

export function unreachableOutcome (error: CentralUnreachableError): TryOutcome<never> {
  const code = systemErrorCode(error.cause)
  return { ok: false, error, unavailable: true, neverArrived: error.timeoutMs == null && code != null && NEVER_ARRIVED_CODES.has(code) }
}

export interface CentralAddresses {
  /** Every address, in the configured order. */
  readonly urls: readonly string[]
  /** The address a call tries first: the one that last answered. */
  current: () => string
  /**
   * Runs `attempt` at the current address, then at the next ones while `policy` allows moving on.
   * Throws the last try's error; with several addresses tried, its message names each and why it failed.
   */
  run: <T>(policy: RetryPolicy, attempt: (baseUrl: string) => Promise<TryOutcome<T>>) => Promise<T>
}

export function createCentralAddresses (urls: readonly string[]): CentralAddresses {
  if (urls.length === 0) throw new TypeError('the central client needs at least one address')
  let preferred = 0

  async function run<T> (policy: RetryPolicy, attempt: (baseUrl: string) => Promise<TryOutcome<T>>): Promise<T> {
    const start = preferred
    const tried: string[] = []
    for (let step = 0; step < urls.length; step++) {
      const index = (start + step) % urls.length
      const url = urls[index]!
      const outcome = await attempt(url)
      // Any answer that is not "unavailable" (a 404 included) shows this address works: calls go here first.
      if (outcome.ok || !outcome.unavailable) preferred = index
      if (outcome.ok) return outcome.value
      const moveOn = policy === 'idempotent' ? outcome.unavailable : outcome.neverArrived
      if (!moveOn || step === urls.length - 1) throw naming(outcome.error, url, tried)
      tried.push(`${url} (${describeFailure(outcome.error)})`)
    }
    // Unreachable: the loop returns or throws on its last step.
    throw new TypeError('no central address was tried')
  }

  return { urls, current: () => urls[preferred]!, run }
}

/** The last try's error, its message naming the addresses tried before it (none: unchanged). */
function naming (error: CentralRequestError | CentralUnreachableError, url: string, triedBefore: string[]): Error {
  if (triedBefore.length === 0) return error
  if (error instanceof CentralUnreachableError) {
    return new CentralUnreachableError(error.baseUrl, { cause: error.cause, ...(error.timeoutMs == null ? {} : { timeoutMs: error.timeoutMs }), triedBefore })
  }
  return new CentralRequestError(error.statusCode, error.code, `${error.message} (answered by ${url}, after ${triedBefore.join(', ')})`)
}

function describeFailure (error: CentralRequestError | CentralUnreachableError): string {
  if (error instanceof CentralUnreachableError) return unreachableReason(error.cause, error.timeoutMs)
  return `${error.statusCode} ${error.code}`
}
