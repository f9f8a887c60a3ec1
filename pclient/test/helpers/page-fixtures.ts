// Directory answers for page tests: files, peers and the central's status as the central lists them.
import type { FileView, HealthResponse, PeerView } from '@p2p/proto'

export const SHA = 'ab'.repeat(32)
export function file (name: string, size: number, holders: string[], addedAt = '2026-01-01T00:00:00.000Z'): FileView {
  return {
    name, size, sha256: SHA, addedAt,
    holders: holders.map((peerId, i) => ({ peerId, grpcAddress: `127.0.0.1:${5000 + i}`, freeBytes: 0, activeTransfers: 0 })),
    replicas: holders.length,
    status: holders.length >= 2 ? 'ok' : holders.length === 0 ? 'lost' : 'under-replicated'
  }
}

export function peer (peerId: string, capacityBytes: number, freeBytes: number): PeerView {
  const now = new Date().toISOString()
  return { peerId, grpcAddress: `10.0.0.1:${peerId.length}5005`, capacityBytes, freeBytes, activeTransfers: 1, fileCount: 3, registeredAt: now, lastSeenAt: now }
}

export const HEALTH: HealthResponse = { status: 'ok', peers: 2, files: 3, replicationFactor: 2, underReplicated: 1, lost: 0 }
