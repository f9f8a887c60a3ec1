// How a Redis that cannot serve becomes StoreUnavailableError (503 CENTRAL_STORE_UNAVAILABLE), for every
// store call: the client refusing while it reconnects, a connection lost under a command, a reply saying
// Redis cannot serve now (loading, a replica after a failover, out of memory), or no answer in time.
// Anything else (a script error, a bug of ours) stays what it is, a 500.
import {
  ClientClosedError, ClientOfflineError, ConnectionTimeoutError, DisconnectsClientError, ErrorReply,
  ReconnectStrategyError, SocketClosedUnexpectedlyError, SocketTimeoutError, TimeoutError
} from 'redis'
import { StoreUnavailableError } from '../../errors.js'

const CONNECTION_ERRORS = [
  ClientClosedError, ClientOfflineError, ConnectionTimeoutError, DisconnectsClientError,
  ReconnectStrategyError, SocketClosedUnexpectedlyError, SocketTimeoutError, TimeoutError
]

/** Error replies with which Redis says "not now" rather than "wrong command". */
const NOT_NOW_REPLIES = new Set(['LOADING', 'BUSY', 'MASTERDOWN', 'READONLY', 'TRYAGAIN', 'CLUSTERDOWN', 'OOM', 'MISCONF', 'NOREPLICAS'])

export function toStoreError (err: unknown): unknown {
  if (err instanceof StoreUnavailableError) return err
  if (err instanceof ErrorReply) {
    return NOT_NOW_REPLIES.has(err.message.split(' ', 1)[0] ?? '') ? new StoreUnavailableError({ cause: err }) : err
  }
  const isConnectionError = CONNECTION_ERRORS.some((type) => err instanceof type)
  // A socket error from Node itself (ECONNREFUSED, ECONNRESET, EPIPE...) carries the failed syscall.
  const isSystemError = err instanceof Error && 'syscall' in err
  return isConnectionError || isSystemError ? new StoreUnavailableError({ cause: err }) : err
}

/**
 * Runs one store call with unavailability mapped, failing it if Redis does not answer within
 * `timeoutMs` (a hung or partitioned server would otherwise hold the request until the TCP connection
 * gives up). A call given up on may still complete in Redis later: the caller learns it failed, as it
 * would of any request lost in the network, and the directory's soft state absorbs it.
 */
export async function guarded<T> (call: () => Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const running = call()
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new StoreUnavailableError({ cause: new Error(`no answer from Redis in ${timeoutMs} ms`) })) }, timeoutMs)
  })
  try {
    return await Promise.race([running, deadline])
  } catch (err) {
    throw toStoreError(err)
  } finally {
    clearTimeout(timer)
    // The call given up on must not surface later as an unhandled rejection.
    running.catch(() => {})
  }
}

type AsyncMethod = (...args: unknown[]) => Promise<unknown>

/** The same object with each of its methods run through `guarded`. */
export function guardAll<T extends object> (methods: T, timeoutMs: number): T {
  return Object.fromEntries(Object.entries(methods).map(([name, method]: [string, unknown]) => [
    name,
    typeof method === 'function' ? async (...args: unknown[]) => await guarded(async () => await (method as AsyncMethod)(...args), timeoutMs) : method
  ])) as T
}
