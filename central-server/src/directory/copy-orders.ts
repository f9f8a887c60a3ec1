// Where copies are ordered. Each file is kept at `replicationFactor` live copies, and the central never
// pushes: each peer learns its orders in the answer to its own heartbeat (as GFS chunkservers learn
// theirs), so no connection is ever opened towards a peer and an order reaches only a peer that is alive
// right now. An order holds its room on its peer like a placement, until the copy is announced, the peer
// stops reporting it (done or failed), or the peer dies.
//
// A file needs copies while its live holders plus the copies already ordered are fewer than the
// replication factor. (A peer may also ask for a copy of a file its user downloaded: that order is
// made at once, waits for the peer's next heartbeat, and may go beyond the factor.) Of the peers that
// could take a copy (live, not holding the name, no order for it, room for it once reservations are
// counted), the ones with the most room are chosen; a peer takes an order only if it is among them, so
// copies spread by free space rather than by who asked first.
import { MAX_REPLICATIONS_PER_PEER } from '@p2p/proto'
import type { FileView, ReplicaSource } from '@p2p/proto'
import { NoRoomError } from '../errors.js'
import { compareStrings } from '../store/compare-strings.js'
import type { HoldingRecord, PeerRecord, ReservationRecord } from '../store/directory-store.js'
import { locate, readCatalogSnapshot } from './catalog.js'
import type { DirectoryContext } from './context.js'
import { EXPIRY_INTERVALS, expiryCutoff, requireLivePeer } from './expiry.js'
import { byName } from './file-views.js'
import { reservedBytesByPeer } from './placement.js'

/** Most holders named as sources in one order: enough to fail over, few enough to keep tickets small. */
const MAX_SOURCES = 4
/**
 * An ordered copy holds its room this many heartbeat intervals past the last heartbeat that said it is
 * still being made, so a peer that dies mid-copy frees the order for another peer.
 */
const COPY_ORDER_INTERVALS = 2 * EXPIRY_INTERVALS

/** A copy the central wants `peerId` to make (the route adds the download ticket). */
export interface ReplicaAssignment {
  name: string
  size: number
  sha256: string
  sources: ReplicaSource[]
}

export interface ReplicaPlanInput {
  /** The peer that is heartbeating now. */
  peerId: string
  livePeers: readonly PeerRecord[]
  /** Every live file, as buildFileViews makes them. */
  files: readonly FileView[]
  /** Every live holding, whatever its content (a peer holding other bytes under the name cannot take a copy). */
  holdings: readonly HoldingRecord[]
  /** Every running reservation, uploads and copies. */
  reservations: readonly ReservationRecord[]
  replicationFactor: number
}

/** The holders an order names as its sources, least loaded first. */
export function sourcesOf (file: Pick<FileView, 'holders'>): ReplicaSource[] {
  return file.holders.slice(0, MAX_SOURCES).map((holder) => ({ peerId: holder.peerId, grpcAddress: holder.grpcAddress }))
}

/** Which copies `peerId` should make now: a pure decision over a snapshot of the directory. */
export function planReplicasFor (input: ReplicaPlanInput): ReplicaAssignment[] {
  const { peerId, livePeers, reservations, replicationFactor } = input
  const reserved = reservedBytesByPeer(reservations)
  const copiesOrdered = new Map<string, number>()
  /** Copies each peer is making: a peer with no slot left is no candidate, so it cannot hold a file up. */
  const copiesMaking = new Map<string, number>()
  /** `${peerId}/${name}` for every name a peer holds or has room set aside for. */
  const taken = new Set<string>()
  for (const reservation of reservations) {
    taken.add(`${reservation.peerId}/${reservation.name}`)
    if (reservation.kind === 'replica') {
      copiesOrdered.set(reservation.name, (copiesOrdered.get(reservation.name) ?? 0) + 1)
      copiesMaking.set(reservation.peerId, (copiesMaking.get(reservation.peerId) ?? 0) + 1)
    }
  }
  for (const holding of input.holdings) taken.add(`${holding.peerId}/${holding.name}`)
  const hasSlot = (peer: PeerRecord): boolean => (copiesMaking.get(peer.peerId) ?? 0) < MAX_REPLICATIONS_PER_PEER

  let slots = MAX_REPLICATIONS_PER_PEER - (copiesMaking.get(peerId) ?? 0)
  const assignments: ReplicaAssignment[] = []
  // The files closest to being lost first.
  const needy = input.files
    .map((file) => ({ file, missing: replicationFactor - file.replicas - (copiesOrdered.get(file.name) ?? 0) }))
    .filter(({ file, missing }) => missing > 0 && file.holders.length > 0 && !taken.has(`${peerId}/${file.name}`))
    .sort((a, b) => (a.file.replicas - b.file.replicas) || compareStrings(a.file.name, b.file.name))

  for (const { file, missing } of needy) {
    if (slots <= 0) break
    const roomOf = (peer: PeerRecord): number => peer.freeBytes - (reserved.get(peer.peerId) ?? 0)
    const chosen = livePeers
      .filter((peer) => (peer.peerId === peerId || hasSlot(peer)) && !taken.has(`${peer.peerId}/${file.name}`) && roomOf(peer) >= file.size)
      .sort((a, b) => (roomOf(b) - roomOf(a)) || (a.activeTransfers - b.activeTransfers) || compareStrings(a.peerId, b.peerId))
      .slice(0, missing)
    if (!chosen.some((peer) => peer.peerId === peerId)) continue
    assignments.push({ name: file.name, size: file.size, sha256: file.sha256, sources: sourcesOf(file) })
    reserved.set(peerId, (reserved.get(peerId) ?? 0) + file.size)
    slots--
  }
  return assignments
}

/**
 * Settles the copies this peer was ordered to make (kept while it says it is still making them,
 * forgotten once it no longer does) and orders new ones where files are short of copies: the
 * `replicate` part of its heartbeat's answer.
 */
export async function settleCopyOrders (context: DirectoryContext, peerId: string, stillMaking: readonly string[]): Promise<ReplicaAssignment[]> {
  const { store, now, heartbeatIntervalMs, replicationFactor, log } = context
  const at = now()
  const keepUntil = at + COPY_ORDER_INTERVALS * heartbeatIntervalMs
  const { peers, holdings, live: files } = await readCatalogSnapshot(context, expiryCutoff(context, at))
  const live = new Set(peers.map((peer) => peer.peerId))
  const filesByName = byName(files)
  const orderCopy = async (copy: { name: string, size: number, sha256: string }): Promise<void> => {
    await store.addReservation({ kind: 'replica', delivered: true, peerId, name: copy.name, size: copy.size, sha256: copy.sha256, expiresAt: keepUntil })
  }

  const making = new Set(stillMaking)
  /** Orders made since the last heartbeat (copies the peer asked for), to go out now. */
  const waiting: string[] = []
  for (const reservation of await store.listReservations(at)) {
    if (reservation.peerId !== peerId) continue
    making.delete(reservation.name)
    if (reservation.kind !== 'replica') continue
    if (!reservation.delivered) waiting.push(reservation.name)
    else if (stillMaking.includes(reservation.name)) await store.addReservation({ ...reservation, expiresAt: keepUntil })
    else await store.removeReservation(peerId, reservation.name)
  }
  // Copies the peer reports that this central never ordered (it restarted since): counted as under
  // way, so the same copy is not ordered from another peer as well.
  for (const name of making) {
    const file = filesByName.get(name)
    if (file != null) await orderCopy(file)
  }

  // An expired peer's orders die with it, even before the sweep removes it.
  const running = (await store.listReservations(at)).filter((reservation) => live.has(reservation.peerId))
  const asked = waiting.flatMap((name) => {
    const file = filesByName.get(name)
    return file == null ? [] : [{ name, size: file.size, sha256: file.sha256, sources: sourcesOf(file) }]
  })
  const assignments = [...asked, ...planReplicasFor({ peerId, livePeers: peers, files, holdings, reservations: running, replicationFactor })]
  for (const copy of assignments) {
    await orderCopy(copy)
    log.info({ peerId, file: copy.name, size: copy.size, sources: copy.sources.map((source) => source.peerId) }, 'copy ordered')
  }
  // An asked-for copy whose file has gone meanwhile is forgotten.
  for (const name of waiting) if (!filesByName.has(name)) await store.removeReservation(peerId, name)
  return assignments
}

/**
 * Orders a copy of `name` onto `peerId` (a peer keeping what its user downloaded), delivered with its
 * next heartbeat; 'held' when it has the file already. Throws FileNotFound/FileLost, PeerUnknown, NoRoom.
 */
export async function requestCopy (context: DirectoryContext, peerId: string, name: string): Promise<'ordered' | 'held'> {
  const { store, now, heartbeatIntervalMs } = context
  const peer = await requireLivePeer(context, peerId)
  const file = await locate(context, name)
  if (file.holders.some((holder) => holder.peerId === peerId)) return 'held'
  const at = now()
  const reservations = await store.listReservations(at)
  if (reservations.some((reservation) => reservation.peerId === peerId && reservation.name === name && reservation.kind === 'replica')) return 'ordered'
  const reserved = reservedBytesByPeer(reservations).get(peerId) ?? 0
  if (peer.freeBytes - reserved < file.size) throw new NoRoomError(file.size)
  await store.addReservation({
    kind: 'replica', delivered: false, peerId, name, size: file.size, sha256: file.sha256, expiresAt: at + COPY_ORDER_INTERVALS * heartbeatIntervalMs
  })
  return 'ordered'
}
