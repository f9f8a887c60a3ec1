// Chooses where an upload goes: the live peer with the most room once the room already promised to
// earlier placements (reservations) is taken off.
import { compareStrings } from '../compare-strings.js'
import type { PeerRecord, ReservationRecord } from '../store/directory-store.js'

/**
 * The peer with the most unreserved free bytes among those with at least `size` of them (tie: fewest
 * active transfers, then peer id), or null when none has room.
 */
export function choosePlacementPeer (
  livePeers: readonly PeerRecord[],
  reservations: readonly ReservationRecord[],
  size: number
): PeerRecord | null {
  const reserved = new Map<string, number>()
  for (const reservation of reservations) {
    reserved.set(reservation.peerId, (reserved.get(reservation.peerId) ?? 0) + reservation.size)
  }
  const candidates = livePeers
    .map((peer) => ({ peer, room: peer.freeBytes - (reserved.get(peer.peerId) ?? 0) }))
    .filter((candidate) => candidate.room >= size)
    .sort((a, b) => (b.room - a.room) ||
      (a.peer.activeTransfers - b.peer.activeTransfers) ||
      compareStrings(a.peer.peerId, b.peer.peerId))
  return candidates[0]?.peer ?? null
}
