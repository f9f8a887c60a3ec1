// Decides which copies a peer should make, when it heartbeats. The central never pushes: each peer
// learns its orders in the answer to its own heartbeat (as GFS chunkservers learn theirs), so no
// connection is ever opened towards a peer and an order reaches only a peer that is alive right now.
//
// A file needs copies while its live holders plus the copies already ordered are fewer than the
// replication factor. (A peer may also ask for a copy of a file its user downloaded: that order is
// made at once, waits for the peer's next heartbeat, and may go beyond the factor.) Of the peers that could take a copy (live, not holding the name, no order for
// it, room for it once reservations are counted), the ones with the most room are chosen; a peer takes
// an order only if it is among them, so copies spread by free space rather than by who asked first.
import { MAX_REPLICATIONS_PER_PEER } from '@p2p/proto'
import type { FileView, ReplicaSource } from '@p2p/proto'
import { compareStrings } from '../compare-strings.js'
import type { HoldingRecord, PeerRecord, ReservationRecord } from '../store/directory-store.js'

/** Most holders named as sources in one order: enough to fail over, few enough to keep tickets small. */
const MAX_SOURCES = 4

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

export function planReplicasFor (input: ReplicaPlanInput): ReplicaAssignment[] {
  const { peerId, livePeers, reservations, replicationFactor } = input
  const reserved = new Map<string, number>()
  const copiesOrdered = new Map<string, number>()
  /** Copies each peer is making: a peer with no slot left is no candidate, so it cannot hold a file up. */
  const copiesMaking = new Map<string, number>()
  /** `${peerId}/${name}` for every name a peer holds or has room set aside for. */
  const taken = new Set<string>()
  for (const reservation of reservations) {
    reserved.set(reservation.peerId, (reserved.get(reservation.peerId) ?? 0) + reservation.size)
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
