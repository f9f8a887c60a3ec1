// The Redis store's reservations: one line per peer and name in the peer's hash, indexed by name (claims
// and orders) and by expiresAt (the ones over, forgotten when a script meets them), each one moving its
// peer's reserved bytes and room and, for a copy order, its name's place in the copy queue. Placing an
// upload is one script that claims the name and the room together.
import type { ReservationRecord, ReservationStore } from '../directory-store.js'
import type { RedisStoreContext } from './context.js'
import { decodeReservation, encodeReservation, numberArg } from './records.js'

type RedisReservationStore = Omit<ReservationStore, 'takeCopyOrders'>

export function createRedisReservationStore ({ client, keys }: RedisStoreContext): RedisReservationStore {
  const { prefix } = keys
  return {
    async addReservation (reservation) {
      await client.addReservation(prefix, [reservation.peerId, reservation.name, encodeReservation(reservation)])
    },

    async reserveUpload (reservation, { seenAfter }) {
      const { peerId, name, placedAt } = reservation
      return await client.reserveUpload(prefix, [peerId, name, encodeReservation(reservation), numberArg(placedAt), numberArg(seenAfter)])
    },

    async renewUploadClaims (peerId, receiving, { at, expiresAt, forgetPlacedBefore }) {
      await client.renewUploadClaims(prefix, [peerId, numberArg(at), numberArg(expiresAt), numberArg(forgetPlacedBefore), ...receiving])
    },

    async listPeerReservations (peerId, at) {
      const flat = await client.peerReservations(prefix, [peerId, numberArg(at)])
      const running: ReservationRecord[] = []
      for (let i = 0; i + 1 < flat.length; i += 2) running.push(decodeReservation(peerId, flat[i]!, flat[i + 1]!))
      return running
    },

    async removeReservation (peerId, name) {
      await client.removeReservation(prefix, [peerId, name])
    }
  }
}
