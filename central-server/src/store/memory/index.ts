// The default DirectoryStore: plain Maps and SortedSets in this process, one file per group of the
// interface (peers, holdings and the catalog, reservations, the copy queue and counts) over one shared
// state whose indexes bookkeeping.ts keeps true. A JavaScript method runs to its end before another
// starts, so each is atomic as the interface requires.
import type { DirectoryStore } from '../directory-store.js'
import { createMemoryCopyQueue } from './copy-queue.js'
import { createMemoryHoldingStore } from './holdings.js'
import { createMemoryPeerStore } from './peers.js'
import { createMemoryReservationStore } from './reservations.js'
import { createMemoryState } from './state.js'
import { createMemoryTombstoneStore } from './tombstones.js'

export function createMemoryDirectoryStore (): DirectoryStore {
  const state = createMemoryState()
  return {
    ...createMemoryPeerStore(state),
    ...createMemoryHoldingStore(state),
    ...createMemoryReservationStore(state),
    ...createMemoryCopyQueue(state),
    ...createMemoryTombstoneStore(state),
    async close () {}
  }
}
