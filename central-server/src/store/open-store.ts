// Opens the directory store the configuration names: the in-memory default, or Redis for several
// replicas sharing one directory. The Redis store and its client are loaded only by a central that
// uses them: a central with the in-memory store idles 3 MiB lighter without them (the compiled
// bundle keeps them in a chunk of their own, scripts/bundle-services.ts).
import type { DirectoryStoreConfig } from '../config.js'
import type { DirectoryStore } from './directory-store.js'
import { createMemoryDirectoryStore } from './memory/index.js'
import type { StoreLog } from './redis/index.js'

export type StoreKind = DirectoryStoreConfig['kind']

export interface OpenedStore {
  kind: StoreKind
  store: DirectoryStore
  /** True once the store can answer (at once in memory), false if not within `timeoutMs`. */
  waitUntilReady: (timeoutMs: number) => Promise<boolean>
}

export async function openDirectoryStore (config: DirectoryStoreConfig, log: StoreLog): Promise<OpenedStore> {
  if (config.kind === 'memory') return { kind: 'memory', store: createMemoryDirectoryStore(), waitUntilReady: async () => true }
  const { createRedisDirectoryStore } = await import('./redis/index.js')
  const store = createRedisDirectoryStore({ url: config.url, log })
  return { kind: 'redis', store, waitUntilReady: store.waitUntilReady }
}
