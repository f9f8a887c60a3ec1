// The store's one connection to Redis (node-redis v5), made to fail fast and heal by itself: while Redis
// cannot be reached every command is refused at once (no offline queue to grow and no request waiting
// on it), the client reconnects in the background with a bounded backoff, and an outage is logged once
// when it begins and once when it ends, not at every attempt.
import { createClient } from 'redis'
import { SCRIPTS } from './scripts.js'

export interface StoreLog {
  error: (details: object, message: string) => void
  warn: (details: object, message: string) => void
  info: (details: object, message: string) => void
}

/** Reconnection waits grow from this... */
const RECONNECT_FIRST_MS = 50
/** ...to at most this, so a Redis back from an outage is in use again within about this long. */
export const RECONNECT_MAX_MS = 1000
/** A connection attempt that has not finished by then counts as failed (an unreachable host). */
const CONNECT_TIMEOUT_MS = 2000
/** How long close() waits for replies already asked for before dropping the connection. */
const CLOSE_GRACE_MS = 1000

/** The wait before reconnection attempt `retries` + 1; a little jitter keeps replicas from retrying in step. */
export function reconnectDelay (retries: number): number {
  return Math.min(RECONNECT_FIRST_MS * 2 ** retries, RECONNECT_MAX_MS) + Math.floor(Math.random() * 50)
}

function createStoreClient (url: string) {
  return createClient({
    url,
    scripts: SCRIPTS,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: reconnectDelay, connectTimeout: CONNECT_TIMEOUT_MS }
  })
}

export type StoreClient = ReturnType<typeof createStoreClient>

export interface RedisConnection {
  client: StoreClient
  /** Resolves true once connected (at once if it is), false if not within `timeoutMs`. */
  waitUntilReady: (timeoutMs: number) => Promise<boolean>
  close: () => Promise<void>
}

/** Where the client connects, for logs: never the URL itself, which may carry a password. */
function describeServer (url: string): string {
  try {
    const { hostname, port, pathname } = new URL(url)
    return `${hostname}:${port === '' ? '6379' : port}${pathname.length > 1 ? pathname : ''}`
  } catch {
    return '(unparsable REDIS_URL)'
  }
}

/** Starts connecting at once and keeps trying in the background; commands fail fast until connected. */
export function connectRedis (url: string, log: StoreLog): RedisConnection {
  const client = createStoreClient(url)
  const server = describeServer(url)
  let reachable: boolean | null = null
  // Without a listener an 'error' event would crash the process; every reconnection attempt emits one.
  client.on('error', (err: unknown) => {
    if (reachable === false) return
    log.error({ err, redis: server }, 'Redis cannot be reached; the directory answers 503 until it is back (reconnecting)')
    reachable = false
  })
  client.on('ready', () => {
    if (reachable === false) log.info({ redis: server }, 'Redis reachable again')
    reachable = true
  })
  // It settles when connected, or when closed first (which is no error here).
  client.connect().catch(() => {})

  return {
    client,
    async waitUntilReady (timeoutMs) {
      if (client.isReady) return true
      return await new Promise((resolve) => {
        const onReady = (): void => { clearTimeout(timer); resolve(true) }
        const timer = setTimeout(() => { client.off('ready', onReady); resolve(false) }, timeoutMs)
        client.once('ready', onReady)
      })
    },
    async close () {
      if (!client.isOpen) return
      const closed = await Promise.race([
        client.close().then(() => true),
        new Promise<false>((resolve) => setTimeout(() => { resolve(false) }, CLOSE_GRACE_MS).unref())
      ])
      if (!closed) client.destroy()
    }
  }
}
