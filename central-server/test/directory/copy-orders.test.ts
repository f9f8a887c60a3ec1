// The pure half of copy orders: which copies a heartbeating peer is told to make, given a snapshot.
import type { FileView } from '@p2p/proto'
import { describe, expect, it } from 'vitest'
import { planReplicasFor } from '../../src/directory/copy-orders.js'
import type { PeerRecord } from '../../src/store/directory-store.js'

const SHA = 'a'.repeat(64)

function peer (peerId: string, freeBytes: number): PeerRecord {
  return { peerId, grpcAddress: `${peerId}:1`, capacityBytes: 1000, freeBytes, activeTransfers: 0, registeredAt: 0, lastSeenAt: 0 }
}

function fileHeldBy (name: string, holder: PeerRecord): FileView {
  return {
    name,
    size: 100,
    sha256: SHA,
    addedAt: new Date(0).toISOString(),
    holders: [{ peerId: holder.peerId, grpcAddress: holder.grpcAddress, freeBytes: holder.freeBytes, activeTransfers: 0 }],
    replicas: 1,
    status: 'under-replicated'
  }
}

describe('planReplicasFor', () => {
  const holder = peer('holder', 900)
  const roomy = peer('roomy', 800)
  const tight = peer('tight', 300)
  const input = {
    livePeers: [holder, roomy, tight],
    files: [fileHeldBy('a.txt', holder)],
    holdings: [{ peerId: 'holder', name: 'a.txt', size: 100, sha256: SHA, announcedAt: 0 }],
    reservations: [],
    replicationFactor: 2
  }

  it('orders the missing copy from the peer with the most room, naming the holders as sources', () => {
    expect(planReplicasFor({ ...input, peerId: 'roomy' })).toEqual([
      { name: 'a.txt', size: 100, sha256: SHA, sources: [{ peerId: 'holder', grpcAddress: 'holder:1' }] }
    ])
  })

  it('gives a peer with less room nothing while a roomier one can take the copy', () => {
    expect(planReplicasFor({ ...input, peerId: 'tight' })).toEqual([])
  })

  it('orders nothing once the copy is ordered elsewhere, or from the peer that holds the file', () => {
    const ordered = [{ kind: 'replica' as const, peerId: 'roomy', name: 'a.txt', size: 100, sha256: SHA, delivered: true, expiresAt: 1 }]
    expect(planReplicasFor({ ...input, peerId: 'tight', reservations: ordered })).toEqual([])
    expect(planReplicasFor({ ...input, peerId: 'holder' })).toEqual([])
  })
})
