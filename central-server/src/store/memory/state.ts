// The memory store's state, and the questions more than one of its groups asks of it. Records are copied
// in and out by every method, so callers can never share state with the store, exactly as with a store
// in another process.
import type { CatalogRecord, HoldingRecord, PeerRecord, ReservationRecord } from '../directory-store.js'

export interface MemoryState {
  peers: Map<string, PeerRecord>
  /** peerId -> name -> holding */
  holdings: Map<string, Map<string, HoldingRecord>>
  /** name -> peerIds holding it, so a locate does not scan every peer. */
  holdersByName: Map<string, Set<string>>
  /** `${peerId}/${name}` -> reservation ('/' never appears in a peer id or a file name). */
  reservations: Map<string, ReservationRecord>
  /** name -> the content known under it, whether or not anyone still holds it. */
  catalog: Map<string, CatalogRecord>
}

export function createMemoryState (): MemoryState {
  return { peers: new Map(), holdings: new Map(), holdersByName: new Map(), reservations: new Map(), catalog: new Map() }
}

export const reservationKey = (peerId: string, name: string): string => `${peerId}/${name}`

export function sameContent (a: { size: number, sha256: string }, b: { size: number, sha256: string }): boolean {
  return a.sha256 === b.sha256 && a.size === b.size
}

export function indexHolder (state: MemoryState, name: string, peerId: string): void {
  let ids = state.holdersByName.get(name)
  if (ids == null) state.holdersByName.set(name, ids = new Set())
  ids.add(peerId)
}

function isLive (state: MemoryState, peerId: string, seenAfter: number): boolean {
  return (state.peers.get(peerId)?.lastSeenAt ?? -Infinity) > seenAfter
}

/** Whether a peer other than `peerId` (any peer, with null) has a running upload claim on `name`. */
export function claimedByAnother (state: MemoryState, name: string, peerId: string | null, at: number): boolean {
  for (const reservation of state.reservations.values()) {
    if (reservation.kind === 'upload' && reservation.name === name && reservation.peerId !== peerId && reservation.expiresAt > at) return true
  }
  return false
}

/** Whether a live peer other than `peerId` holds what `name` stands for (any content when the catalog does not know it). */
export function heldByAnother (state: MemoryState, name: string, peerId: string | null, seenAfter: number): boolean {
  const known = state.catalog.get(name)
  for (const holderId of state.holdersByName.get(name) ?? []) {
    if (holderId === peerId || !isLive(state, holderId, seenAfter)) continue
    const holding = state.holdings.get(holderId)?.get(name)
    if (holding != null && (known == null || sameContent(holding, known))) return true
  }
  return false
}
