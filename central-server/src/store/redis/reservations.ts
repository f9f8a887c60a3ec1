// The Redis store's reservations: one hash each, indexed per peer (its reserved bytes), overall (the
// running ones) and, for uploads, per name (the claim), every index scored by expiresAt. Placing an
// upload is one script that claims the name and the room together.
import type { ReservationStore } from '../directory-store.js'
import type { RedisStoreContext } from './context.js'
import { decodeReservation, encodeReservation, numberArg } from './records.js'

export function createRedisReservationStore ({ client, keys }: RedisStoreContext): ReservationStore {
  const { prefix } = keys
  return {
    async addReservation (reservation) {
      await client.addReservation(prefix, encodeReservation(reservation))
    },

    async reserveUpload (reservation, { seenAfter }) {
      return await client.reserveUpload(prefix, [numberArg(seenAfter), ...encodeReservation(reservation)])
    },

    async renewUploadClaims (peerId, receiving, { at, expiresAt, forgetPlacedBefore }) {
      await client.renewUploadClaims(prefix, [peerId, numberArg(at), numberArg(expiresAt), numberArg(forgetPlacedBefore), ...receiving])
    },

    async listReservations (at) {
      return (await client.listReservations(prefix, [numberArg(at)])).map(decodeReservation)
    },

    async removeReservation (peerId, name) {
      await client.removeReservation(prefix, [peerId, name])
    }
  }
}
