// The memory store's copy queue: files short of copies, fewest first (copy-queue), from which each
// heartbeat takes its orders in one step, and the counts of /health and /replication read from index
// sizes. Neither reads the directory: a heartbeat looks at no more than `lookAhead` queued files.
import { MAX_REPLICATIONS_PER_PEER } from '@p2p/proto/directory'
import { compareStrings } from '../compare-strings.js'
import type { DirectoryStore, FileRecord, PeerRecord } from '../directory-store.js'
import { forgetExpired, putReservation } from './bookkeeping.js'
import { fileRecord, roomOf } from './state.js'
import type { MemoryState } from './state.js'

type CopyQueueStore = Pick<DirectoryStore, 'takeCopyOrders' | 'countDirectory'>

/**
 * Whether `peerId` is among the `missing` peers with a free copy slot that have the most room, not
 * counting those that hold the name or have a reservation for it (they cannot take the copy). Its rank
 * in peers:copy-room, less the involved peers ranked before it: O(log n + holders).
 */
function amongRoomiest (state: MemoryState, peerId: string, name: string, missing: number): boolean {
  const { copyRoom } = state.index
  const rank = copyRoom.rank(peerId)
  const score = copyRoom.score(peerId)
  if (rank == null || score == null) return false
  let ahead = rank
  const involved = new Set([...state.holdersByName.get(name) ?? [], ...state.reservationsByName.get(name) ?? []])
  for (const other of involved) {
    const otherScore = copyRoom.score(other)
    if (other === peerId || otherScore == null) continue
    if (otherScore < score || (otherScore === score && compareStrings(other, peerId) < 0)) ahead--
  }
  return ahead < missing
}

/** Whether the peer cannot take a copy of the name at all: it holds the name, has a reservation for it, or lacks room. */
function cannotTake (state: MemoryState, peer: PeerRecord, name: string, size: number): boolean {
  return state.holdings.get(peer.peerId)?.has(name) === true ||
    state.reservations.get(peer.peerId)?.has(name) === true ||
    roomOf(state, peer) < size
}

export function createMemoryCopyQueue (state: MemoryState): CopyQueueStore {
  const { peers, index } = state

  return {
    async takeCopyOrders (peerId, { at, seenAfter, replicationFactor, expiresAt, lookAhead }) {
      forgetExpired(state, at)
      const peer = peers.get(peerId)
      if (peer == null || peer.lastSeenAt <= seenAfter) return []
      const window: Array<{ name: string, copies: number }> = []
      for (const { member, score } of index.shortFiles.entries()) {
        if (score >= replicationFactor || window.length >= lookAhead) break
        window.push({ name: member, copies: score })
      }
      const orders: FileRecord[] = []
      for (const { name, copies } of window) {
        if ((state.copyOrdersByPeer.get(peerId) ?? 0) >= MAX_REPLICATIONS_PER_PEER) break
        const entry = state.catalog.get(name)
        if (entry == null || cannotTake(state, peer, name, entry.size)) continue
        const file = fileRecord(state, name, seenAfter)
        if (file == null || file.holders.length === 0) continue
        if (!amongRoomiest(state, peerId, name, replicationFactor - copies)) continue
        putReservation(state, { kind: 'replica', delivered: true, peerId, name, size: file.size, sha256: file.sha256, expiresAt })
        orders.push(file)
      }
      return orders
    },

    async countDirectory ({ at, seenAfter, replicationFactor }) {
      forgetExpired(state, at)
      const { peersSeen, fileCopies } = index
      const lost = fileCopies.count(0, 0)
      return {
        peers: peersSeen.size - peersSeen.countBelow(seenAfter, true),
        files: fileCopies.size - lost,
        underReplicated: replicationFactor > 1 ? fileCopies.count(1, replicationFactor - 1) : 0,
        lost,
        copiesOrdered: state.counters.copiesOrdered,
        uploadsPlaced: state.counters.uploadsPlaced,
        holdings: state.counters.holdings
      }
    }
  }
}
