// Where an upload goes, and the claim on its name. The live peer with the most room gets it, once the room
// already promised to earlier placements and copy orders (reservations) is taken off; the store then claims
// the name and the room in one atomic step, so a name goes to one upload (one name, one content). The
// receiving peer's heartbeats keep the claim for as long as the upload runs; a failed one frees the name.
// The store keeps peers ordered by their unreserved room, so placing reads a few peers, never all of them.
import type { Placement, PlacementBody } from '@p2p/proto/directory'
import { FileExistsError, NameUploadingError, NoRoomError } from '../errors.js'
import { compareStrings } from '../store/compare-strings.js'
import type { NameTaken, PeerRecord, PeerRoom } from '../store/directory-store.js'
import type { DirectoryContext } from './context.js'
import { expiryCutoff } from './expiry.js'

/**
 * A placement whose peer has not started receiving it this long after it was made is given up at the
 * peer's next heartbeat (the upload failed or never came), so its name is free again well before its TTL.
 */
export const UPLOAD_START_GRACE_MS = 10_000
/** Placements tried when another placement takes the chosen peer's last room in between. */
const PLACEMENT_ATTEMPTS = 3
/**
 * Peers with the most room read for a placement. Among peers with equal room the fewest active
 * transfers win, so this many equals are weighed against each other (beyond them, the lower peer id).
 */
export const PLACEMENT_CANDIDATES = 64

/**
 * The candidate with the most unreserved room among those with at least `size` of it (tie: fewest
 * active transfers, then peer id), or null when none has room.
 */
export function choosePlacementPeer (candidates: readonly PeerRoom[], size: number): PeerRecord | null {
  const chosen = candidates
    .filter((candidate) => candidate.room >= size)
    .sort((a, b) => (b.room - a.room) ||
      (a.peer.activeTransfers - b.peer.activeTransfers) ||
      compareStrings(a.peer.peerId, b.peer.peerId))
  return chosen[0]?.peer ?? null
}

/**
 * Chooses the peer and claims the name there. Choosing reads the roomiest live peers that do not hold
 * the name (a peer holding other bytes under it cannot take the upload); the store's reserveUpload then
 * claims the name and the room in one atomic step, so of uploads racing for one name exactly one is
 * placed (the others get 409 before any byte is sent), and a placement that lost the chosen peer's room
 * to another is tried again.
 */
export async function place (context: DirectoryContext, { name, size }: PlacementBody): Promise<Omit<Placement, 'ticket'>> {
  const { store, now, reservationTtlMs } = context
  for (let attempt = 1; ; attempt++) {
    const at = now()
    const cutoff = expiryCutoff(context, at)
    const candidates = await store.listRoomiestPeers({ at, seenAfter: cutoff, exceptHoldersOf: name, limit: PLACEMENT_CANDIDATES })
    // With no peer seeming to have room the claim is still tried (on the peer with the most room), so
    // a taken name is reported as taken rather than as no room, and room freed meanwhile is used.
    const peer = choosePlacementPeer(candidates, size) ?? choosePlacementPeer(candidates, 0)
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
