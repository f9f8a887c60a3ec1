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

  const isLive = (peerId: string, seenAfter: number): boolean => (peers.get(peerId)?.lastSeenAt ?? -Infinity) > seenAfter

  /** Whether a peer other than `peerId` (any peer, with null) has a running upload claim on `name`. */
  function claimedByAnother (name: string, peerId: string | null, at: number): boolean {
    for (const reservation of reservations.values()) {
      if (reservation.kind === 'upload' && reservation.name === name && reservation.peerId !== peerId && reservation.expiresAt > at) return true
    }
    return false
  }

  /** Whether a live peer other than `peerId` holds what `name` stands for (any content when the catalog does not know it). */
  function heldByAnother (name: string, peerId: string | null, seenAfter: number): boolean {
    const known = catalog.get(name)
    for (const holderId of holdersByName.get(name) ?? []) {
      if (holderId === peerId || !isLive(holderId, seenAfter)) continue
      const holding = holdings.get(holderId)?.get(name)
      if (holding != null && (known == null || sameContent(holding, known))) return true
    }
    return false
  }

  function reservedOn (peerId: string, at: number): number {
    let sum = 0
    for (const reservation of reservations.values()) {
      if (reservation.peerId === peerId && reservation.expiresAt > at) sum += reservation.size
    }
    return sum
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

    async addHolding (holding, status, { seenAfter }) {
      const { peerId, name } = holding
      const peer = peers.get(peerId)
      if (peer == null) return 'unknown-peer'
      const at = status.lastSeenAt
      const own = reservations.get(reservationKey(peerId, name))
      const ownClaim = own?.kind === 'upload' && own.expiresAt > at
      if (!ownClaim) {
        if (claimedByAnother(name, peerId, at)) return 'name-uploading'
        const known = catalog.get(name)
        if (known != null && !sameContent(known, holding) && heldByAnother(name, peerId, seenAfter)) return 'name-held'
      }
      peers.set(peerId, { ...peer, freeBytes: status.freeBytes, lastSeenAt: at })
      holdings.get(peerId)?.set(name, { ...holding })
      indexHolder(name, peerId)
      reservations.delete(reservationKey(peerId, name))
      const known = catalog.get(name)
      if (known == null || !sameContent(known, holding)) {
        catalog.set(name, { name, size: holding.size, sha256: holding.sha256, addedAt: holding.announcedAt })
      }
      return 'added'
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

    async reserveUpload (reservation, { seenAfter }) {
      const { peerId, name, size, placedAt } = reservation
      if (heldByAnother(name, null, seenAfter)) return 'name-held'
      if (claimedByAnother(name, null, placedAt)) return 'name-uploading'
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
    },

    async recordInCatalog (entries) {
      for (const entry of entries) {
        if (!catalog.has(entry.name)) catalog.set(entry.name, { ...entry })
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

function sameContent (a: { size: number, sha256: string }, b: { size: number, sha256: string }): boolean {
  return a.sha256 === b.sha256 && a.size === b.size
}
