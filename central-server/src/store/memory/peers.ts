// The memory store's peers (membership and expiry): records replaced by registrations, renewed by
// heartbeats, removed by a leave or an expiry together with everything they held and had reserved.
import { compareStrings } from '../compare-strings.js'
import type { HoldingRecord, PeerStore } from '../directory-store.js'
import { indexHolder, reservationKey } from './state.js'
import type { MemoryState } from './state.js'

export function createMemoryPeerStore (state: MemoryState): PeerStore {
  const { peers, holdings, holdersByName, reservations } = state

  function dropFiles (peerId: string): void {
    for (const name of holdings.get(peerId)?.keys() ?? []) {
      const ids = holdersByName.get(name)
      ids?.delete(peerId)
      if (ids?.size === 0) holdersByName.delete(name)
    }
    holdings.delete(peerId)
  }

  return {
    async putPeer (peer, files) {
      dropFiles(peer.peerId)
      peers.set(peer.peerId, { ...peer })
      const held = new Map<string, HoldingRecord>()
      for (const file of files) {
        held.set(file.name, { ...file, peerId: peer.peerId })
        indexHolder(state, file.name, peer.peerId)
        // Only the reservations this file set fulfils go: uploads still under way keep theirs, as the
        // reported free space may not show them yet.
        reservations.delete(reservationKey(peer.peerId, file.name))
      }
      holdings.set(peer.peerId, held)
    },

    async updatePeer (peerId, status) {
      const peer = peers.get(peerId)
      if (peer == null) return false
      peers.set(peerId, { ...peer, freeBytes: status.freeBytes, activeTransfers: status.activeTransfers, lastSeenAt: status.lastSeenAt })
      return true
    },

    async removePeer (peerId, options = {}) {
      const peer = peers.get(peerId)
      if (peer == null) return false
      if (options.notSeenAfter != null && peer.lastSeenAt > options.notSeenAfter) return false
      dropFiles(peerId)
      peers.delete(peerId)
      for (const [key, reservation] of reservations) {
        if (reservation.peerId === peerId) reservations.delete(key)
      }
      return true
    },

    async getPeer (peerId) {
      const peer = peers.get(peerId)
      return peer == null ? null : { ...peer }
    },

    async listPeers (filter = {}) {
      const { seenAfter } = filter
      return [...peers.values()]
        .filter((peer) => seenAfter == null || peer.lastSeenAt > seenAfter)
        .sort((a, b) => compareStrings(a.peerId, b.peerId))
        .map((peer) => ({ ...peer, fileCount: holdings.get(peer.peerId)?.size ?? 0 }))
    },

    async listPeerIdsNotSeenAfter (cutoff) {
      return [...peers.values()].filter((peer) => peer.lastSeenAt <= cutoff).map((peer) => peer.peerId)
    }
  }
}
