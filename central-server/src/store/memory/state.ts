// The memory store's state, and the questions more than one of its groups asks of it. It keeps the
// indexes of the Redis layout (store/directory-store.ts) in Maps and SortedSets, so each question costs
// what it costs in Redis. Records are copied in and out by every method, so callers can never share
// state with the store, exactly as with a store in another process.
import type { CatalogRecord, FileRecord, HoldingRecord, PeerRecord, ReservationRecord, TombstoneRecord } from '../directory-store.js'
import { SortedSet } from './sorted-set.js'

export interface MemoryIndexes {
  /** peerId by lastSeenAt (peers:seen). */
  peersSeen: SortedSet
  /** peerId, score 0: by id (peers:ids). */
  peerIds: SortedSet
  /** peerId by minus its unreserved room: most room first (peers:room). */
  peersRoom: SortedSet
  /** The same, only peers with a free copy slot (peers:copy-room). */
  copyRoom: SortedSet
  /** Catalog names, score 0: by name (catalog:names). */
  names: SortedSet
  /** Every catalog name by its copies (catalog:copies). */
  fileCopies: SortedSet
  /** Names with a copy, by copies plus copies ordered: the copy queue (copy-queue). */
  shortFiles: SortedSet
  /** `${peerId}/${name}` by expiresAt (res-expiry). */
  reservationExpiry: SortedSet
  /** Tombstoned names by expiresAt (tombstone-expiry). */
  tombstoneExpiry: SortedSet
}

export interface MemoryState {
  peers: Map<string, PeerRecord>
  /** peerId -> name -> holding */
  holdings: Map<string, Map<string, HoldingRecord>>
  /** name -> peerIds holding it, any content. */
  holdersByName: Map<string, Set<string>>
  /** name -> the content known under it, whether or not anyone still holds it. */
  catalog: Map<string, CatalogRecord>
  /** peerId -> name -> reservation */
  reservations: Map<string, Map<string, ReservationRecord>>
  /** name -> peerIds with a reservation for it. */
  reservationsByName: Map<string, Set<string>>
  /** peerId -> bytes its running reservations hold. */
  reservedBytes: Map<string, number>
  /** peerId -> its running copy orders. */
  copyOrdersByPeer: Map<string, number>
  /** name -> copies of it ordered and running. */
  copiesOrdered: Map<string, number>
  counters: { copiesOrdered: number, uploadsPlaced: number, holdings: number }
  /** name -> its tombstone (tombstones). */
  tombstones: Map<string, TombstoneRecord>
  /** peerId -> name -> the content it is to delete (deletes:{id}). */
  deleteOrders: Map<string, Map<string, string>>
  index: MemoryIndexes
}

export function createMemoryState (): MemoryState {
  return {
    peers: new Map(),
    holdings: new Map(),
    holdersByName: new Map(),
    catalog: new Map(),
    reservations: new Map(),
    reservationsByName: new Map(),
    reservedBytes: new Map(),
    copyOrdersByPeer: new Map(),
    copiesOrdered: new Map(),
    counters: { copiesOrdered: 0, uploadsPlaced: 0, holdings: 0 },
    tombstones: new Map(),
    deleteOrders: new Map(),
    index: {
      peersSeen: new SortedSet(),
      peerIds: new SortedSet(),
      peersRoom: new SortedSet(),
      copyRoom: new SortedSet(),
      names: new SortedSet(),
      fileCopies: new SortedSet(),
      shortFiles: new SortedSet(),
      reservationExpiry: new SortedSet(),
      tombstoneExpiry: new SortedSet()
    }
  }
}

/** '/' never appears in a peer id or a file name, so the key splits back at its first '/'. */
export const reservationKey = (peerId: string, name: string): string => `${peerId}/${name}`

export function sameContent (a: { size: number, sha256: string }, b: { size: number, sha256: string }): boolean {
  return a.sha256 === b.sha256 && a.size === b.size
}

export function isLive (state: MemoryState, peerId: string, seenAfter: number): boolean {
  return (state.peers.get(peerId)?.lastSeenAt ?? -Infinity) > seenAfter
}

/** Free bytes less what running reservations hold. */
export function roomOf (state: MemoryState, peer: PeerRecord): number {
  return peer.freeBytes - (state.reservedBytes.get(peer.peerId) ?? 0)
}

/** Whether a peer other than `peerId` (any peer, with null) has a running upload claim on `name`. */
export function claimedByAnother (state: MemoryState, name: string, peerId: string | null): boolean {
  for (const holderId of state.reservationsByName.get(name) ?? []) {
    if (holderId !== peerId && state.reservations.get(holderId)?.get(name)?.kind === 'upload') return true
  }
  return false
}

/** Whether a live peer other than `peerId` holds what `name` stands for (any content when the catalog does not know it). */
export function heldByAnother (state: MemoryState, name: string, peerId: string | null, seenAfter: number): boolean {
  const known = state.catalog.get(name)
  // A deleted content still on a holder's disk until it confirms does not hold the name.
  const deleted = state.tombstones.get(name)?.sha256
  for (const holderId of state.holdersByName.get(name) ?? []) {
    if (holderId === peerId || !isLive(state, holderId, seenAfter)) continue
    const holding = state.holdings.get(holderId)?.get(name)
    if (holding != null && (known == null ? holding.sha256 !== deleted : sameContent(holding, known))) return true
  }
  return false
}

/** The catalog entry with its live holders of that content; null when the catalog does not know the name. */
export function fileRecord (state: MemoryState, name: string, seenAfter: number): FileRecord | null {
  const entry = state.catalog.get(name)
  if (entry == null) return null
  const holders: FileRecord['holders'] = []
  for (const peerId of state.holdersByName.get(name) ?? []) {
    const peer = state.peers.get(peerId)
    const holding = state.holdings.get(peerId)?.get(name)
    if (peer == null || holding == null || peer.lastSeenAt <= seenAfter || !sameContent(holding, entry)) continue
    holders.push({ ...peer, announcedAt: holding.announcedAt })
  }
  return { ...entry, holders }
}

/** Whether a tombstone running at `at` refuses content `sha256` under `name`. */
export function isTombstoned (state: MemoryState, name: string, sha256: string, at: number): boolean {
  const tombstone = state.tombstones.get(name)
  return tombstone != null && tombstone.expiresAt > at && tombstone.sha256 === sha256
}

/** Orders the peer to delete its file `name` if it refers to `sha256`. */
export function orderDelete (state: MemoryState, peerId: string, name: string, sha256: string): void {
  let orders = state.deleteOrders.get(peerId)
  if (orders == null) state.deleteOrders.set(peerId, orders = new Map())
  orders.set(name, sha256)
}
