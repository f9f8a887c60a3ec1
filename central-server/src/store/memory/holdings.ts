// The memory store's catalog: who holds what under each name, and what each name stands for. An announce
// is refused here, atomically, when its name belongs to another content or another upload. Listings walk
// the catalog's name index or its copy-count index, so they cost the page they answer.
import type { FileRecord, HoldingStore } from '../directory-store.js'
import { dropReservation, forgetExpired, refreshFile, refreshRoom, setHolding } from './bookkeeping.js'
import { claimedByAnother, fileRecord, heldByAnother, isTombstoned, orderDelete, sameContent } from './state.js'
import type { MemoryState } from './state.js'

export function createMemoryHoldingStore (state: MemoryState): HoldingStore {
  const { peers, holdings, reservations, catalog, index } = state

  return {
    async addHolding (holding, status, { seenAfter }) {
      const { peerId, name } = holding
      const at = status.lastSeenAt
      forgetExpired(state, at)
      const peer = peers.get(peerId)
      if (peer == null) return 'unknown-peer'
      const known = catalog.get(name)
      const ownClaim = reservations.get(peerId)?.get(name)?.kind === 'upload'
      if (ownClaim) {
        // The name shared again by its own upload: the tombstone has done its work.
        state.tombstones.delete(name)
        index.tombstoneExpiry.delete(name)
      } else if (isTombstoned(state, name, holding.sha256, at)) {
        // A deleted file coming back (a copy that crossed the delete): refused, and ordered deleted.
        orderDelete(state, peerId, name, holding.sha256)
        return 'deleted'
      }
      if (!ownClaim) {
        if (claimedByAnother(state, name, peerId)) return 'name-uploading'
        if (known != null && !sameContent(known, holding) && heldByAnother(state, name, peerId, seenAfter)) return 'name-held'
      }
      // Announcing the same content again keeps its original date; new content under the name is new.
      const previous = holdings.get(peerId)?.get(name)
      const announcedAt = previous != null && sameContent(previous, holding) ? previous.announcedAt : holding.announcedAt
      peers.set(peerId, { ...peer, freeBytes: status.freeBytes, lastSeenAt: at })
      index.peersSeen.set(peerId, at)
      setHolding(state, { peerId, name, size: holding.size, sha256: holding.sha256, piecesSha256: holding.piecesSha256, announcedAt })
      dropReservation(state, peerId, name)
      if (known == null || !sameContent(known, holding)) {
        catalog.set(name, { name, size: holding.size, sha256: holding.sha256, piecesSha256: holding.piecesSha256, addedAt: announcedAt })
        index.names.set(name, 0)
      }
      refreshRoom(state, peerId)
      refreshFile(state, name)
      return 'added'
    },

    async getFile (name, { seenAfter }) {
      return fileRecord(state, name, seenAfter)
    },

    async pageFiles ({ seenAfter, after, limit, words, scanLimit }) {
      const files: FileRecord[] = []
      const walk = index.names.entries(after == null ? undefined : { after: { member: after, score: 0 } })
      let read = 0
      for (let next = walk.next(); !next.done; next = walk.next()) {
        const name = next.value.member
        read++
        const folded = name.toLowerCase()
        if (words.every((word) => folded.includes(word))) {
          const file = fileRecord(state, name, seenAfter)
          if (file != null) files.push(file)
        }
        if (files.length >= limit || read >= scanLimit) {
          return { files, resumeAfter: walk.next().done === true ? null : name }
        }
      }
      return { files, resumeAfter: null }
    },

    async listFilesByCopies ({ min, max, seenAfter, limit }) {
      const files: FileRecord[] = []
      for (const { member, score } of index.fileCopies.entries({ fromScore: min })) {
        if (score > max || files.length >= limit) break
        const file = fileRecord(state, member, seenAfter)
        if (file != null) files.push(file)
      }
      return files
    }
  }
}
