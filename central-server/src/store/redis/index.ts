// The DirectoryStore on Redis, for several central replicas sharing one directory: one file per group
// of the interface (peers, holdings and the catalog, reservations, the copy queue and counts) as in the
// memory store, over one connection, each method one Lua script or one command (keys.ts lays the keys out). Every call fails at once with
// StoreUnavailableError (503) while Redis cannot be reached, and works again as soon as the client has
// reconnected by itself.
import type { DirectoryStore } from '../directory-store.js'
import { connectRedis } from './connection.js'
import type { StoreLog } from './connection.js'
import { createRedisCopyQueue } from './copy-queue.js'
import { DEFAULT_KEY_PREFIX, redisKeys } from './keys.js'
import { createRedisHoldingStore } from './holdings.js'
import { createRedisPeerStore } from './peers.js'
import { createRedisReservationStore } from './reservations.js'
import { createRedisTombstoneStore } from './tombstones.js'
import { guardAll } from './unavailable.js'

export { DEFAULT_KEY_PREFIX } from './keys.js'
export type { StoreLog } from './connection.js'

/**
 * A store call Redis has not answered by then fails as unavailable (a hung or partitioned server). Well
 * above what the slowest call takes: a registration of 100,000 files is one script of two to three seconds.
 */
export const DEFAULT_CALL_TIMEOUT_MS = 10_000

export interface RedisDirectoryStoreOptions {
  /** redis[s]://[[user]:password@]host[:port][/db] */
  url: string
  /** Before every key, so several directories (or tests) can share one Redis. Default 'p2p:'. */
  keyPrefix?: string
  log: StoreLog
  callTimeoutMs?: number
}

export interface RedisDirectoryStore extends DirectoryStore {
  /** Resolves true once connected to Redis, false if not within `timeoutMs` (it keeps trying). */
  waitUntilReady: (timeoutMs: number) => Promise<boolean>
}

export function createRedisDirectoryStore (options: RedisDirectoryStoreOptions): RedisDirectoryStore {
  const connection = connectRedis(options.url, options.log)
  const context = { client: connection.client, keys: redisKeys(options.keyPrefix ?? DEFAULT_KEY_PREFIX) }
  const methods = {
    ...createRedisPeerStore(context),
    ...createRedisHoldingStore(context),
    ...createRedisReservationStore(context),
    ...createRedisCopyQueue(context),
    ...createRedisTombstoneStore(context)
  }
  return {
    ...guardAll(methods, options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS),
    waitUntilReady: connection.waitUntilReady,
    close: connection.close
  }
}
