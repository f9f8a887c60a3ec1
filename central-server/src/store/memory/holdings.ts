// The memory store's catalog: who holds what under each name, and what each name stands for. An announce
// is refused here, atomically, when its name belongs to another content or another upload.
import { compareStrings } from '../compare-strings.js'
import type { HoldingRecord, HoldingStore } from '../directory-store.js'
import { claimedByAnother, heldByAnother, indexHolder, reservationKey, sameContent } from './state.js'
import type { MemoryState } from './state.js'

export function createMemoryHoldingStore (state: MemoryState): HoldingStore {
  const { peers, holdings, holdersByName, reservations, catalog } = state

  return {
    async addHolding (holding, status, { seenAfter }) {
      const { peerId, name } = holding
      const peer = peers.get(peerId)
      if (peer == null) return 'unknown-peer'
      const at = status.lastSeenAt
      const own = reservations.get(reservationKey(peerId, name))
      const ownClaim = own?.kind === 'upload' && own.expiresAt > at
      if (!ownClaim) {
        if (claimedByAnother(state, name, peerId, at)) return 'name-uploading'
        const known = catalog.get(name)
        if (known != null && !sameContent(known, holding) && heldByAnother(state, name, peerId, seenAfter)) return 'name-held'
      }
      peers.set(peerId, { ...peer, freeBytes: status.freeBytes, lastSeenAt: at })
      holdings.get(peerId)?.set(name, { ...holding })
      indexHolder(state, name, peerId)
      reservations.delete(reservationKey(peerId, name))
      const known = catalog.get(name)
      if (known == null || !sameContent(known, holding)) {
        catalog.set(name, { name, size: holding.size, sha256: holding.sha256, addedAt: holding.announcedAt })
      }
      return 'added'
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
    }
  }
}
