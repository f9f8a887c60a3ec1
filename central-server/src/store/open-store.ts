// Opens the directory store the configuration names: the in-memory default, or Redis for several
// replicas sharing one directory.
import type { DirectoryStoreConfig } from '../config.js'
import type { DirectoryStore } from './directory-store.js'
import { createMemoryDirectoryStore } from './memory/index.js'
import { createRedisDirectoryStore } from './redis/index.js'
import type { StoreLog } from './redis/index.js'

export type StoreKind = DirectoryStoreConfig['kind']

export interface OpenedStore {
  kind: StoreKind
  store: DirectoryStore
  /** True once the store can answer (at once in memory), false if not within `timeoutMs`. */
  waitUntilReady: (timeoutMs: number) => Promise<boolean>
}

export function openDirectoryStore (config: DirectoryStoreConfig, log: StoreLog): OpenedStore {
  if (config.kind === 'memory') return { kind: 'memory', store: createMemoryDirectoryStore(), waitUntilReady: async () => true }
  const store = createRedisDirectoryStore({ url: config.url, log })
  return { kind: 'redis', store, waitUntilReady: store.waitUntilReady }
}
