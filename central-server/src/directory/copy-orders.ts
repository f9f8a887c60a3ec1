// Where copies are ordered. Each file is kept at `replicationFactor` live copies, and the central never
// pushes: each peer learns its orders in the answer to its own heartbeat (as GFS chunkservers learn
// theirs), so no connection is ever opened towards a peer and an order reaches only a peer that is alive
// right now. An order holds its room on its peer like a placement, until the copy is announced, the peer
// stops reporting it (done or failed), or the peer dies.
//
// The store keeps a queue of the files short of copies (their copies plus the copies ordered fewer than
// the factor), fewest first, updated whenever holdings or orders change; a heartbeat takes its orders
// from the queue's front in one atomic step (store.takeCopyOrders), so an order is given out once and a
// heartbeat costs the orders it gives, never a walk of the catalog. A peer takes a file only if it is
// among the peers with a free copy slot and the most room, so copies spread by free space rather than
// by who asked first. (A peer may also ask for a copy of a file its user downloaded: that order is made
// at once, waits for the peer's next heartbeat, and may go beyond the factor.)
import type { ReplicaSource } from '@p2p/proto/directory'
import { NoRoomError } from '../errors.js'
import type { FileRecord } from '../store/directory-store.js'
import { locateRecord } from './catalog.js'
import type { DirectoryContext } from './context.js'
import { EXPIRY_INTERVALS, expiryCutoff, requireLivePeer } from './expiry.js'
import { sourcesOf } from './file-views.js'

/**
 * An ordered copy holds its room this many heartbeat intervals past the last heartbeat that said it is
 * still being made, so a peer that dies mid-copy frees the order for another peer.
 */
const COPY_ORDER_INTERVALS = 2 * EXPIRY_INTERVALS
/**
 * Queued files a heartbeat looks at: files the peer holds, has no room for, or that roomier peers
 * should take are passed over, up to this many, so a heartbeat's cost never depends on the queue's length.
 */
export const COPY_QUEUE_LOOK_AHEAD = 64

/** A copy the central wants a peer to make (the route adds the download ticket). */
export interface ReplicaAssignment {
  name: string
  size: number
  sha256: string
  sources: ReplicaSource[]
}

function toAssignment (file: FileRecord): ReplicaAssignment {
  return { name: file.name, size: file.size, sha256: file.sha256, sources: sourcesOf(file) }
}

/**
 * Settles the copies this peer was ordered to make (kept while it says it is still making them,
 * forgotten once it no longer does) and gives it new orders where files are short of copies: the
 * `replicate` part of its heartbeat's answer. Reads only this peer's reservations and the queue's front.
 */
export async function settleCopyOrders (context: DirectoryContext, peerId: string, stillMaking: readonly string[]): Promise<ReplicaAssignment[]> {
  const { store, now, heartbeatIntervalMs, replicationFactor, log } = context
  const at = now()
  const keepUntil = at + COPY_ORDER_INTERVALS * heartbeatIntervalMs
  const liveness = { seenAfter: expiryCutoff(context, at) }
  const orderCopy = async (copy: FileRecord): Promise<void> => {
    await store.addReservation({ kind: 'replica', delivered: true, peerId, name: copy.name, size: copy.size, sha256: copy.sha256, expiresAt: keepUntil })
  }
  /** A file still held by a live peer, or null (gone, or lost meanwhile). */
  const liveFile = async (name: string): Promise<FileRecord | null> => {
    const file = await store.getFile(name, liveness)
    return file != null && file.holders.length > 0 ? file : null
  }

  const reported = new Set(stillMaking)
  const unknown = new Set(stillMaking)
  /** Orders made since the last heartbeat (copies the peer asked for), to go out now. */
  const waiting: string[] = []
  for (const reservation of await store.listPeerReservations(peerId, at)) {
    unknown.delete(reservation.name)
    if (reservation.kind !== 'replica') continue
    if (!reservation.delivered) waiting.push(reservation.name)
    else if (reported.has(reservation.name)) await store.addReservation({ ...reservation, expiresAt: keepUntil })
    else await store.removeReservation(peerId, reservation.name)
  }
  // Copies the peer reports that this central never ordered (it restarted since): counted as under
  // way, so the same copy is not ordered from another peer as well.
  for (const name of unknown) {
    const file = await liveFile(name)
    if (file != null) await orderCopy(file)
  }
  const asked: FileRecord[] = []
  for (const name of waiting) {
    const file = await liveFile(name)
    // An asked-for copy whose file has gone meanwhile is forgotten.
    if (file == null) await store.removeReservation(peerId, name)
    else asked.push(file)
  }
  for (const file of asked) await orderCopy(file)

  const taken = await store.takeCopyOrders(peerId, { at, ...liveness, replicationFactor, expiresAt: keepUntil, lookAhead: COPY_QUEUE_LOOK_AHEAD })
  const assignments = [...asked, ...taken].map(toAssignment)
  for (const copy of assignments) {
    log.info({ peerId, file: copy.name, size: copy.size, sources: copy.sources.map((source) => source.peerId) }, 'copy ordered')
  }
  return assignments
}

/**
 * Orders a copy of `name` onto `peerId` (a peer keeping what its user downloaded), delivered with its
 * next heartbeat; 'held' when it has the file already. Throws FileNotFound/FileLost, PeerUnknown, NoRoom.
 */
export async function requestCopy (context: DirectoryContext, peerId: string, name: string): Promise<'ordered' | 'held'> {
  const { store, now, heartbeatIntervalMs } = context
  const peer = await requireLivePeer(context, peerId)
  const { record: file } = await locateRecord(context, name)
  if (file.holders.some((holder) => holder.peerId === peerId)) return 'held'
  const at = now()
  const reservations = await store.listPeerReservations(peerId, at)
  if (reservations.some((reservation) => reservation.name === name && reservation.kind === 'replica')) return 'ordered'
  const reserved = reservations.reduce((sum, reservation) => sum + reservation.size, 0)
  if (peer.freeBytes - reserved < file.size) throw new NoRoomError(file.size)
  await store.addReservation({
    kind: 'replica', delivered: false, peerId, name, size: file.size, sha256: file.sha256, expiresAt: at + COPY_ORDER_INTERVALS * heartbeatIntervalMs
  })
  return 'ordered'
}
