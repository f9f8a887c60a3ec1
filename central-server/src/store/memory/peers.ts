// The memory store's peers (membership and expiry): records replaced by registrations, renewed by
// heartbeats, removed by a leave or an expiry together with everything they held and had reserved; and
// the peer questions answered from indexes: by last seen (expiry), by id (the peer list), by room (placement).
import type { PeerStore, PeerSummary } from '../directory-store.js'
import { dropHoldings, dropReservation, forgetExpired, refreshFile, refreshRoom, setHolding } from './bookkeeping.js'
import { isTombstoned, orderDelete, roomOf } from './state.js'
import type { MemoryState } from './state.js'

export function createMemoryPeerStore (state: MemoryState): PeerStore {
  const { peers, holdings, catalog, index } = state

  function summary (peerId: string): PeerSummary | null {
    const peer = peers.get(peerId)
    return peer == null ? null : { ...peer, fileCount: holdings.get(peerId)?.size ?? 0 }
  }

  return {
    async putPeer (peer, files) {
      const { peerId } = peer
      const touched = new Set(dropHoldings(state, peerId))
      peers.set(peerId, { ...peer })
      index.peersSeen.set(peerId, peer.lastSeenAt)
      index.peerIds.set(peerId, 0)
      holdings.set(peerId, new Map())
      for (const file of files) {
        setHolding(state, { peerId, name: file.name, size: file.size, sha256: file.sha256, piecesSha256: file.piecesSha256, announcedAt: file.announcedAt })
        touched.add(file.name)
        if (isTombstoned(state, file.name, file.sha256, peer.lastSeenAt)) {
          // Held by a peer that was away when the file was deleted: recorded as held, never listed, and deleted.
          orderDelete(state, peerId, file.name, file.sha256)
        } else if (!catalog.has(file.name)) {
          catalog.set(file.name, { name: file.name, size: file.size, sha256: file.sha256, piecesSha256: file.piecesSha256, addedAt: file.announcedAt })
          index.names.set(file.name, 0)
        }
        // Only the reservations this file set fulfils go: uploads still under way keep theirs, as the
        // reported free space may not show them yet.
        dropReservation(state, peerId, file.name)
      }
      refreshRoom(state, peerId)
      for (const name of touched) refreshFile(state, name)
    },

    async updatePeer (peerId, status) {
      const peer = peers.get(peerId)
      if (peer == null) return false
      peers.set(peerId, { ...peer, freeBytes: status.freeBytes, activeTransfers: status.activeTransfers, lastSeenAt: status.lastSeenAt })
      index.peersSeen.set(peerId, status.lastSeenAt)
      refreshRoom(state, peerId)
      return true
    },

    async removePeer (peerId, options = {}) {
      const peer = peers.get(peerId)
      if (peer == null) return false
      if (options.notSeenAfter != null && peer.lastSeenAt > options.notSeenAfter) return false
      const names = dropHoldings(state, peerId)
      for (const name of [...state.reservations.get(peerId)?.keys() ?? []]) dropReservation(state, peerId, name)
      peers.delete(peerId)
      // Its orders go with it: registering again with the file orders the delete again.
      state.deleteOrders.delete(peerId)
      index.peersSeen.delete(peerId)
      index.peerIds.delete(peerId)
      refreshRoom(state, peerId)
      for (const name of names) refreshFile(state, name)
      return true
    },

    async getPeer (peerId) {
      const peer = peers.get(peerId)
      return peer == null ? null : { ...peer }
    },

    async listPeerIdsNotSeenAfter (cutoff) {
      const ids: string[] = []
      for (const { member, score } of index.peersSeen.entries()) {
        if (score > cutoff) break
        ids.push(member)
      }
      return ids
    },

    async pagePeers ({ seenAfter, after, limit }) {
      const page: PeerSummary[] = []
      for (const { member } of index.peerIds.entries(after == null ? undefined : { after: { member: after, score: 0 } })) {
        if (page.length >= limit) break
        const peer = summary(member)
        if (peer != null && peer.lastSeenAt > seenAfter) page.push(peer)
      }
      return page
    },

    async listRoomiestPeers ({ at, seenAfter, exceptHoldersOf, limit }) {
      forgetExpired(state, at)
      const holders = state.holdersByName.get(exceptHoldersOf)
      const found = []
      for (const { member } of index.peersRoom.entries()) {
        if (found.length >= limit) break
        const peer = peers.get(member)
        if (peer == null || peer.lastSeenAt <= seenAfter || holders?.has(member) === true) continue
        found.push({ peer: { ...peer }, room: roomOf(state, peer) })
      }
      return found
    }
  }
}
