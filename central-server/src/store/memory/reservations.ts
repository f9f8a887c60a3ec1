// The memory store's reservations: the name claims of placed uploads (taken with their room in one step)
// and copy orders, each holding room on its peer until it is announced or runs out.
import type { ReservationRecord, ReservationStore } from '../directory-store.js'
import { claimedByAnother, heldByAnother, reservationKey } from './state.js'
import type { MemoryState } from './state.js'

export function createMemoryReservationStore (state: MemoryState): ReservationStore {
  const { peers, holdings, reservations } = state

  function reservedOn (peerId: string, at: number): number {
    let sum = 0
    for (const reservation of reservations.values()) {
      if (reservation.peerId === peerId && reservation.expiresAt > at) sum += reservation.size
    }
    return sum
  }

  return {
    async addReservation (reservation) {
      reservations.set(reservationKey(reservation.peerId, reservation.name), { ...reservation })
    },

    async reserveUpload (reservation, { seenAfter }) {
      const { peerId, name, size, placedAt } = reservation
      if (heldByAnother(state, name, null, seenAfter)) return 'name-held'
      if (claimedByAnother(state, name, null, placedAt)) return 'name-uploading'
      const peer = peers.get(peerId)
      if (peer == null || peer.lastSeenAt <= seenAfter || holdings.get(peerId)?.has(name) === true) return 'no-room'
      if (peer.freeBytes - reservedOn(peerId, placedAt) < size) return 'no-room'
      reservations.set(reservationKey(peerId, name), { ...reservation })
      return 'reserved'
    },

    async renewUploadClaims (peerId, receiving, { at, expiresAt, forgetPlacedBefore }) {
      const names = new Set(receiving)
      for (const [key, reservation] of reservations) {
        if (reservation.kind !== 'upload' || reservation.peerId !== peerId || reservation.expiresAt <= at) continue
        if (names.has(reservation.name)) reservations.set(key, { ...reservation, started: true, expiresAt: Math.max(reservation.expiresAt, expiresAt) })
        else if (reservation.started || reservation.placedAt < forgetPlacedBefore) reservations.delete(key)
      }
    },

    async listReservations (at) {
      const running: ReservationRecord[] = []
      for (const [key, reservation] of reservations) {
        if (reservation.expiresAt > at) running.push({ ...reservation })
        else reservations.delete(key)
      }
      return running
    },

    async removeReservation (peerId, name) {
      reservations.delete(reservationKey(peerId, name))
    }
  }
}
