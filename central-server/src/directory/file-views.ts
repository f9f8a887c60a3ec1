// Turns a file as the store answers it (its catalog entry and the live peers holding that content) into
// what the routes show: holders least loaded first, dated by the first live holder's announcement, and
// its copies against the replication factor (lost with none). The catalog decides what a name stands
// for, so a peer holding other bytes under the name is never listed for it: a download never mixes
// contents, and the name never silently switches to other bytes when a holder dies.
import type { FileView, Holder, ReplicaSource } from '@p2p/proto/directory'
import { compareStrings } from '../store/compare-strings.js'
import type { FileHolder, FileRecord } from '../store/directory-store.js'

/** Most holders named as sources in one copy order: enough to fail over, few enough to keep tickets small. */
const MAX_SOURCES = 4

export function toFileView (file: FileRecord, replicationFactor: number): FileView {
  const holders = holdersByLoad(file)
  const replicas = holders.length
  const addedAt = holders.reduce((first, holder) => Math.min(first, holder.announcedAt), replicas === 0 ? file.addedAt : Infinity)
  return {
    name: file.name,
    size: file.size,
    sha256: file.sha256,
    ...(file.piecesSha256 != null ? { piecesSha256: file.piecesSha256 } : {}),
    addedAt: new Date(addedAt).toISOString(),
    holders: holders.map(toHolder),
    replicas,
    status: replicas === 0 ? 'lost' : replicas >= replicationFactor ? 'ok' : 'under-replicated'
  }
}

/** The holders a copy order names as its sources, least loaded first. */
export function sourcesOf (file: FileRecord): ReplicaSource[] {
  return holdersByLoad(file).slice(0, MAX_SOURCES).map((holder) => ({ peerId: holder.peerId, grpcAddress: holder.grpcAddress }))
}

/** Least loaded first: fewest active transfers, then most free space, then peer id for a stable order. */
function holdersByLoad (file: FileRecord): FileHolder[] {
  return [...file.holders].sort((a, b) => (a.activeTransfers - b.activeTransfers) ||
    (b.freeBytes - a.freeBytes) ||
    compareStrings(a.peerId, b.peerId))
}

function toHolder (peer: FileHolder): Holder {
  return { peerId: peer.peerId, grpcAddress: peer.grpcAddress, freeBytes: peer.freeBytes, activeTransfers: peer.activeTransfers }
}
