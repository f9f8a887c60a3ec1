// The memory store's deleted files: tombstones by name (and by when they run out), and each peer's delete
// orders until it confirms them. A delete takes the name out of the catalog in the same step, so no
// listing, locate or copy order sees it afterwards.
import type { DeleteOrderRecord, TombstoneStore } from '../directory-store.js'
import { dropReservation, refreshFile, refreshRoom } from './bookkeeping.js'
import { orderDelete } from './state.js'
import type { MemoryState } from './state.js'

export function createMemoryTombstoneStore (state: MemoryState): TombstoneStore {
  const { catalog, index, tombstones } = state

  return {
    async deleteFile (tombstone) {
      const { name, sha256 } = tombstone
      const entry = catalog.get(name)
      if (entry == null) return 'unknown'
      if (entry.sha256 !== sha256) return 'changed'
      tombstones.set(name, { ...tombstone })
      index.tombstoneExpiry.set(name, tombstone.expiresAt)
      for (const peerId of [...state.reservationsByName.get(name) ?? []]) {
        // A copy being made is abandoned; an upload claim is another file's, and stays.
        if (state.reservations.get(peerId)?.get(name)?.kind !== 'replica') continue
        dropReservation(state, peerId, name)
        orderDelete(state, peerId, name, sha256)
      }
      for (const peerId of state.holdersByName.get(name) ?? []) {
        if (state.holdings.get(peerId)?.get(name)?.sha256 === sha256) orderDelete(state, peerId, name, sha256)
      }
      catalog.delete(name)
      index.names.delete(name)
      refreshFile(state, name)
      return 'deleted'
    },

    async getTombstone (name, at) {
      const tombstone = tombstones.get(name)
      return tombstone == null || tombstone.expiresAt <= at ? null : { ...tombstone }
    },

    async takeDeleteOrders (peerId, confirmed, limit) {
      const orders = state.deleteOrders.get(peerId)
      if (orders == null) return []
      for (const name of confirmed) {
        const sha256 = orders.get(name)
        if (sha256 == null) continue
        orders.delete(name)
        const held = state.holdings.get(peerId)
        if (held?.get(name)?.sha256 !== sha256) continue
        held.delete(name)
        state.counters.holdings--
        const holders = state.holdersByName.get(name)
        holders?.delete(peerId)
        if (holders?.size === 0) state.holdersByName.delete(name)
        refreshFile(state, name)
        refreshRoom(state, peerId)
      }
      if (orders.size === 0) state.deleteOrders.delete(peerId)
      const answer: DeleteOrderRecord[] = []
      for (const [name, sha256] of orders) {
        if (answer.length >= limit) break
        answer.push({ name, sha256 })
      }
      return answer
    },

    async forgetTombstones (at) {
      const over: string[] = []
      for (const { member, score } of index.tombstoneExpiry.entries()) {
        if (score > at) break
        over.push(member)
      }
      for (const name of over) {
        tombstones.delete(name)
        index.tombstoneExpiry.delete(name)
      }
      return over.length
    }
  }
}
