// A directory store that reports how long each of its operations takes, and every peer it removes,
// around any other store: the directory calls it as it calls the store, so no call site changes and a
// new operation of the interface cannot be left out (this object must list them all to type-check).
import type { DirectoryStore } from './directory-store.js'

/** The operations timed, by name: every method of the store but close. */
export type StoreOperation = Exclude<keyof DirectoryStore, 'close'>

export interface StoreObserver {
  /** One operation ended after `seconds`: 'ok', or 'error' when it threw (an unreachable Redis). */
  operation: (name: StoreOperation, outcome: 'ok' | 'error', seconds: number) => void
  /**
   * A peer left the directory: 'left' when it said goodbye, 'expired' when it went silent. The store
   * removes a peer only if still unseen when told a cutoff, which only an expiry tells it (expiry.ts).
   */
  peerRemoved: (reason: 'left' | 'expired') => void
}

export function timedStore (store: DirectoryStore, observer: StoreObserver): DirectoryStore {
  function timed<K extends StoreOperation> (name: K): DirectoryStore[K] {
    const run = store[name] as (...args: unknown[]) => Promise<unknown>
    const wrapped = async (...args: unknown[]): Promise<unknown> => {
      const started = performance.now()
      try {
        const result = await run.apply(store, args)
        observer.operation(name, 'ok', (performance.now() - started) / 1000)
        return result
      } catch (err) {
        observer.operation(name, 'error', (performance.now() - started) / 1000)
        throw err
      }
    }
    return wrapped as DirectoryStore[K]
  }
  const removePeer = timed('removePeer')
  return {
    putPeer: timed('putPeer'),
    updatePeer: timed('updatePeer'),
    async removePeer (peerId, options) {
      const removed = await removePeer(peerId, options)
      if (removed) observer.peerRemoved(options?.notSeenAfter == null ? 'left' : 'expired')
      return removed
    },
    getPeer: timed('getPeer'),
    listPeerIdsNotSeenAfter: timed('listPeerIdsNotSeenAfter'),
    pagePeers: timed('pagePeers'),
    listRoomiestPeers: timed('listRoomiestPeers'),
    addHolding: timed('addHolding'),
    getFile: timed('getFile'),
    pageFiles: timed('pageFiles'),
    listFilesByCopies: timed('listFilesByCopies'),
    addReservation: timed('addReservation'),
    reserveUpload: timed('reserveUpload'),
    renewUploadClaims: timed('renewUploadClaims'),
    listPeerReservations: timed('listPeerReservations'),
    removeReservation: timed('removeReservation'),
    takeCopyOrders: timed('takeCopyOrders'),
    countDirectory: timed('countDirectory'),
    deleteFile: timed('deleteFile'),
    getTombstone: timed('getTombstone'),
    takeDeleteOrders: timed('takeDeleteOrders'),
    forgetTombstones: timed('forgetTombstones'),
    close: async () => { await store.close() }
  }
}
