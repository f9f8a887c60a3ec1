// What each group of the Redis store works with: the connection's client (with the scripts) and the
// key layout under the store's prefix.
import type { StoreClient } from './connection.js'
import type { RedisKeys } from './keys.js'

export interface RedisStoreContext {
  client: StoreClient
  keys: RedisKeys
}
