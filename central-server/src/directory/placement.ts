// Where an upload goes, and the claim on its name. The live peer with the most room gets it, once the room
// already promised to earlier placements and copy orders (reservations) is taken off; the store then claims
// the name and the room in one atomic step, so a name goes to one upload (one name, one content). The
// receiving peer's heartbeats keep the claim for as long as the upload runs; a failed one frees the name.
import type { Placement, PlacementBody } from '@p2p/proto'
import { FileExistsError, NameUploadingError, NoRoomError } from '../errors.js'
import { compareStrings } from '../store/compare-strings.js'
import type { NameTaken, PeerRecord, ReservationRecord } from '../store/directory-store.js'
import type { DirectoryContext } from './context.js'
import { expiryCutoff } from './expiry.js'

/**
 * A placement whose peer has not started receiving it this long after it was made is given up at the
 * peer's next heartbeat (the upload failed or never came), so its name is free again well before its TTL.
 */
export const UPLOAD_START_GRACE_MS = 10_000
/** Placements tried when another placement takes the chosen peer's last room in between. */
const PLACEMENT_ATTEMPTS = 3

/** Bytes promised on each peer by its running reservations (uploads placed there, copies ordered there). */
export function reservedBytesByPeer (reservations: readonly ReservationRecord[]): Map<string, number> {
  const reserved = new Map<string, number>()
  for (const reservation of reservations) {
    reserved.set(reservation.peerId, (reserved.get(reservation.peerId) ?? 0) + reservation.size)
  }
  return reserved
}

/**
 * The peer with the most unreserved free bytes among those with at least `size` of them (tie: fewest
 * active transfers, then peer id), or null when none has room.
 */
export function choosePlacementPeer (
  livePeers: readonly PeerRecord[],
  reservations: readonly ReservationRecord[],
  size: number
): PeerRecord | null {
  const reserved = reservedBytesByPeer(reservations)
  const candidates = livePeers
    .map((peer) => ({ peer, room: peer.freeBytes - (reserved.get(peer.peerId) ?? 0) }))
    .filter((candidate) => candidate.room >= size)
    .sort((a, b) => (b.room - a.room) ||
      (a.peer.activeTransfers - b.peer.activeTransfers) ||
      compareStrings(a.peer.peerId, b.peer.peerId))
  return candidates[0]?.peer ?? null
}

/**
 * Chooses the peer and claims the name there. Choosing reads a snapshot; the store's reserveUpload then
 * claims the name and the room in one atomic step, so of uploads racing for one name exactly one is placed
 * (the others get 409 before any byte is sent), and a placement that lost the chosen peer's room to
 * another is tried again.
 */
export async function place (context: DirectoryContext, { name, size }: PlacementBody): Promise<Omit<Placement, 'ticket'>> {
  const { store, now, reservationTtlMs } = context
  for (let attempt = 1; ; attempt++) {
    const at = now()
    const cutoff = expiryCutoff(context, at)
    const [livePeers, reservations, holdings] = await Promise.all([
      store.listPeers({ seenAfter: cutoff }), store.listReservations(at), store.listHoldings({ seenAfter: cutoff, name })
    ])
    // A peer holding other bytes under the name (not listed for it) cannot take the upload.
    const peers = livePeers.filter((candidate) => !holdings.some((holding) => holding.peerId === candidate.peerId))
    // With no peer seeming to have room the claim is still tried (on the peer with the most room), so
    // a taken name is reported as taken rather than as no room, and room freed meanwhile is used.
    const peer = choosePlacementPeer(peers, reservations, size) ?? choosePlacementPeer(peers, reservations, 0)
    if (peer == null) throw new NoRoomError(size)
    const outcome = await store.reserveUpload(
      { kind: 'upload', peerId: peer.peerId, name, size, placedAt: at, started: false, expiresAt: at + reservationTtlMs }, { seenAfter: cutoff })
    if (outcome === 'reserved') return { name, size, peerId: peer.peerId, grpcAddress: peer.grpcAddress }
    if (outcome !== 'no-room') throw nameTakenError(outcome, name)
    if (attempt >= PLACEMENT_ATTEMPTS) throw new NoRoomError(size)
  }
}

/**
 * Settles a heartbeating peer's upload claims: the uploads it is receiving keep their name for as long as
 * they run, however long that is; a failed one, or one whose sender never came, frees it.
 */
export async function renewUploadClaims (
  { store, reservationTtlMs }: Pick<DirectoryContext, 'store' | 'reservationTtlMs'>, peerId: string, receiving: readonly string[], at: number
): Promise<void> {
  await store.renewUploadClaims(peerId, receiving, { at, expiresAt: at + reservationTtlMs, forgetPlacedBefore: at - UPLOAD_START_GRACE_MS })
}

/** The error for a name that belongs to another content (held) or to another upload under way. */
export function nameTakenError (reason: NameTaken, name: string): Error {
  return reason === 'name-uploading' ? new NameUploadingError(name) : new FileExistsError(name)
}
