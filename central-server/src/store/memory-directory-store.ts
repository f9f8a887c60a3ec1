// The default DirectoryStore: plain Maps in this process. Records are copied in and out so callers can
// never share state with the store, exactly as with a store in another process.
import { compareStrings } from '../compare-strings.js'
import type { CatalogRecord, DirectoryStore, HoldingRecord, PeerRecord, ReservationRecord } from './directory-store.js'

export function createMemoryDirectoryStore (): DirectoryStore {
  const peers = new Map<string, PeerRecord>()
  /** peerId -> name -> holding */
  const holdings = new Map<string, Map<string, HoldingRecord>>()
  /** name -> peerIds holding it, so a locate does not scan every peer. */
  const holdersByName = new Map<string, Set<string>>()
  /** `${peerId}/${name}` -> reservation ('/' never appears in a peer id or a file name). */
  const reservations = new Map<string, ReservationRecord>()
  /** name -> the content known under it, whether or not anyone still holds it. */
  const catalog = new Map<string, CatalogRecord>()

  const reservationKey = (peerId: string, name: string): string => `${peerId}/${name}`

  function indexHolder (name: string, peerId: string): void {
    let ids = holdersByName.get(name)
    if (ids == null) holdersByName.set(name, ids = new Set())
    ids.add(peerId)
  }

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
        indexHolder(file.name, peer.peerId)
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

    async addHolding (holding, status) {
      const peer = peers.get(holding.peerId)
      if (peer == null) return false
      peers.set(holding.peerId, { ...peer, freeBytes: status.freeBytes, lastSeenAt: status.lastSeenAt })
      holdings.get(holding.peerId)?.set(holding.name, { ...holding })
      indexHolder(holding.name, holding.peerId)
      reservations.delete(reservationKey(holding.peerId, holding.name))
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
    },

    async listHoldings ({ seenAfter, name }) {
      const peerIds = name == null ? [...holdings.keys()] : [...holdersByName.get(name) ?? []]
      const result: HoldingRecord[] = []
      for (const peerId of peerIds) {
        const peer = peers.get(peerId)
        if (peer == null || peer.lastSeenAt <= seenAfter) continue
        const held = holdings.get(peerId)
        if (held == null) continue
        if (name == null) {
          for (const holding of held.values()) result.push({ ...holding })
        } else {
          const holding = held.get(name)
          if (holding != null) result.push({ ...holding })
        }
      }
      return result
    },

    async addReservation (reservation) {
      reservations.set(reservationKey(reservation.peerId, reservation.name), { ...reservation })
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
    },

    async recordInCatalog (entries, { replace }) {
      for (const entry of entries) {
        const known = catalog.get(entry.name)
        if (known == null || (replace && (known.sha256 !== entry.sha256 || known.size !== entry.size))) {
          catalog.set(entry.name, { ...entry })
        }
      }
    },

    async listCatalog () {
      return [...catalog.values()].sort((a, b) => compareStrings(a.name, b.name)).map((entry) => ({ ...entry }))
    },

    async getCatalogEntry (name) {
      const entry = catalog.get(name)
      return entry == null ? null : { ...entry }
    },

    async close () {}
  }
}
