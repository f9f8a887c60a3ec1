// How the memory store keeps its indexes true as it changes: every change to a holding, a reservation or
// a peer's free bytes goes through these, which update the room of the peer and the copy counts of the
// name it touched (what a Redis store's Lua scripts do alongside each write). Each costs O(log n), or
// O(holders) for a name's copy count.
import { MAX_REPLICATIONS_PER_PEER } from '@p2p/proto/directory'
import type { HoldingRecord, ReservationRecord } from '../directory-store.js'
import { reservationKey, roomOf, sameContent } from './state.js'
import type { MemoryState } from './state.js'

function addTo (map: Map<string, number>, key: string, delta: number): void {
  const value = (map.get(key) ?? 0) + delta
  if (value === 0) map.delete(key)
  else map.set(key, value)
}

/** Puts the peer at its unreserved room in peers:room, and in peers:copy-room while it has a free copy slot. */
export function refreshRoom (state: MemoryState, peerId: string): void {
  const { peersRoom, copyRoom } = state.index
  const peer = state.peers.get(peerId)
  if (peer == null) {
    peersRoom.delete(peerId)
    copyRoom.delete(peerId)
    return
  }
  const score = -roomOf(state, peer)
  peersRoom.set(peerId, score)
  if ((state.copyOrdersByPeer.get(peerId) ?? 0) < MAX_REPLICATIONS_PER_PEER) copyRoom.set(peerId, score)
  else copyRoom.delete(peerId)
}

/** Recounts the copies of the name's catalog content (catalog:copies) and its place in the copy queue (copy-queue). */
export function refreshFile (state: MemoryState, name: string): void {
  const { fileCopies, shortFiles } = state.index
  const entry = state.catalog.get(name)
  if (entry == null) {
    fileCopies.delete(name)
    shortFiles.delete(name)
    return
  }
  let copies = 0
  for (const peerId of state.holdersByName.get(name) ?? []) {
    const holding = state.holdings.get(peerId)?.get(name)
    if (holding != null && sameContent(holding, entry)) copies++
  }
  fileCopies.set(name, copies)
  if (copies > 0) shortFiles.set(name, copies + (state.copiesOrdered.get(name) ?? 0))
  else shortFiles.delete(name)
}

/**
 * Moves the name in the copy queue after its copies ordered changed: its live copies did not, so their
 * count is read from catalog:copies rather than counted again over its holders.
 */
function refreshQueue (state: MemoryState, name: string): void {
  const { fileCopies, shortFiles } = state.index
  const copies = fileCopies.score(name) ?? 0
  if (copies > 0) shortFiles.set(name, copies + (state.copiesOrdered.get(name) ?? 0))
  else shortFiles.delete(name)
}

/** Records the holding (a record the caller made for the store) and its holder index; the caller refreshes the name. */
export function setHolding (state: MemoryState, holding: HoldingRecord): void {
  let held = state.holdings.get(holding.peerId)
  if (held == null) state.holdings.set(holding.peerId, held = new Map())
  if (!held.has(holding.name)) state.counters.holdings++
  held.set(holding.name, holding)
  let holders = state.holdersByName.get(holding.name)
  if (holders == null) state.holdersByName.set(holding.name, holders = new Set())
  holders.add(holding.peerId)
}

/** Forgets every file of the peer and answers their names, for the caller to refresh. */
export function dropHoldings (state: MemoryState, peerId: string): string[] {
  const names = [...state.holdings.get(peerId)?.keys() ?? []]
  for (const name of names) {
    const holders = state.holdersByName.get(name)
    holders?.delete(peerId)
    if (holders?.size === 0) state.holdersByName.delete(name)
  }
  state.holdings.delete(peerId)
  state.counters.holdings -= names.length
  return names
}

/** Adds the reservation (replacing the peer's one for that name) with every count and index it moves. */
export function putReservation (state: MemoryState, reservation: ReservationRecord): void {
  const { peerId, name } = reservation
  dropReservation(state, peerId, name)
  let own = state.reservations.get(peerId)
  if (own == null) state.reservations.set(peerId, own = new Map())
  own.set(name, { ...reservation })
  let byName = state.reservationsByName.get(name)
  if (byName == null) state.reservationsByName.set(name, byName = new Set())
  byName.add(peerId)
  state.index.reservationExpiry.set(reservationKey(peerId, name), reservation.expiresAt)
  addTo(state.reservedBytes, peerId, reservation.size)
  if (reservation.kind === 'replica') {
    addTo(state.copyOrdersByPeer, peerId, 1)
    addTo(state.copiesOrdered, name, 1)
    state.counters.copiesOrdered++
    refreshQueue(state, name)
  } else {
    state.counters.uploadsPlaced++
  }
  refreshRoom(state, peerId)
}

/** Drops the peer's reservation for the name, if any, with every count and index it moved. */
export function dropReservation (state: MemoryState, peerId: string, name: string): void {
  const own = state.reservations.get(peerId)
  const reservation = own?.get(name)
  if (own == null || reservation == null) return
  own.delete(name)
  if (own.size === 0) state.reservations.delete(peerId)
  const byName = state.reservationsByName.get(name)
  byName?.delete(peerId)
  if (byName?.size === 0) state.reservationsByName.delete(name)
  state.index.reservationExpiry.delete(reservationKey(peerId, name))
  addTo(state.reservedBytes, peerId, -reservation.size)
  if (reservation.kind === 'replica') {
    addTo(state.copyOrdersByPeer, peerId, -1)
    addTo(state.copiesOrdered, name, -1)
    state.counters.copiesOrdered--
    refreshQueue(state, name)
  } else {
    state.counters.uploadsPlaced--
  }
  refreshRoom(state, peerId)
}

/** Forgets the reservations over at `at`: a range query on res-expiry, each one forgotten once. */
export function forgetExpired (state: MemoryState, at: number): void {
  const expired: string[] = []
  for (const { member, score } of state.index.reservationExpiry.entries()) {
    if (score > at) break
    expired.push(member)
  }
  for (const key of expired) {
    const slash = key.indexOf('/')
    dropReservation(state, key.slice(0, slash), key.slice(slash + 1))
  }
}
