// The memory store's reservations: the name claims of placed uploads (taken with their room in one step)
// and copy orders, each holding room on its peer until it is announced or runs out. A peer's reservations
// are kept by peer and by name, so no question reads anybody else's.
import type { ReservationRecord, ReservationStore } from '../directory-store.js'
import { dropReservation, forgetExpired, putReservation } from './bookkeeping.js'
import { claimedByAnother, heldByAnother, roomOf } from './state.js'
import type { MemoryState } from './state.js'

type MemoryReservationStore = Omit<ReservationStore, 'takeCopyOrders'>

export function createMemoryReservationStore (state: MemoryState): MemoryReservationStore {
  const { peers, holdings, reservations } = state

  return {
    async addReservation (reservation) {
      putReservation(state, reservation)
    },

    async reserveUpload (reservation, { seenAfter }) {
      const { peerId, name, size, placedAt } = reservation
      forgetExpired(state, placedAt)
      if (heldByAnother(state, name, null, seenAfter)) return 'name-held'
      if (claimedByAnother(state, name, null)) return 'name-uploading'
      const peer = peers.get(peerId)
      if (peer == null || peer.lastSeenAt <= seenAfter || holdings.get(peerId)?.has(name) === true) return 'no-room'
      if (roomOf(state, peer) < size) return 'no-room'
      putReservation(state, reservation)
      return 'reserved'
    },

    async renewUploadClaims (peerId, receiving, { at, expiresAt, forgetPlacedBefore }) {
      forgetExpired(state, at)
      const names = new Set(receiving)
      for (const reservation of [...reservations.get(peerId)?.values() ?? []]) {
        if (reservation.kind !== 'upload') continue
        if (names.has(reservation.name)) putReservation(state, { ...reservation, started: true, expiresAt: Math.max(reservation.expiresAt, expiresAt) })
        else if (reservation.started || reservation.placedAt < forgetPlacedBefore) dropReservation(state, peerId, reservation.name)
      }
    },

    async listPeerReservations (peerId, at) {
      forgetExpired(state, at)
      const running: ReservationRecord[] = []
      for (const reservation of reservations.get(peerId)?.values() ?? []) running.push({ ...reservation })
      return running
    },

    async removeReservation (peerId, name) {
      dropReservation(state, peerId, name)
    }
  }
}
