// The pure half of placement: room is free bytes less what running reservations promise, and the peer
// with the most room that fits wins (tie: fewest transfers, then peer id).
import { describe, expect, it } from 'vitest'
import { choosePlacementPeer, reservedBytesByPeer } from '../../src/directory/placement.js'
import type { PeerRecord, ReservationRecord } from '../../src/store/directory-store.js'

function peer (peerId: string, freeBytes: number, activeTransfers = 0): PeerRecord {
  return { peerId, grpcAddress: `${peerId}:1`, capacityBytes: 1000, freeBytes, activeTransfers, registeredAt: 0, lastSeenAt: 0 }
}

function upload (peerId: string, name: string, size: number): ReservationRecord {
  return { kind: 'upload', peerId, name, size, placedAt: 0, started: false, expiresAt: 1 }
}

describe('reservedBytesByPeer', () => {
  it('sums every reservation, uploads and copies, per peer', () => {
    const reserved = reservedBytesByPeer([
      upload('a', 'x', 10), upload('a', 'y', 5), upload('b', 'x', 7),
      { kind: 'replica', peerId: 'a', name: 'z', size: 3, sha256: 'f'.repeat(64), delivered: true, expiresAt: 1 }
    ])
    expect([...reserved]).toEqual([['a', 18], ['b', 7]])
  })
})

describe('choosePlacementPeer', () => {
  it('takes the peer with the most room once reservations are taken off', () => {
    const peers = [peer('a', 500), peer('b', 400)]
    expect(choosePlacementPeer(peers, [], 100)?.peerId).toBe('a')
    expect(choosePlacementPeer(peers, [upload('a', 'x', 200)], 100)?.peerId).toBe('b')
  })

  it('breaks ties by fewest active transfers, then by peer id', () => {
    expect(choosePlacementPeer([peer('a', 500, 2), peer('b', 500, 1)], [], 10)?.peerId).toBe('b')
    expect(choosePlacementPeer([peer('b', 500), peer('a', 500)], [], 10)?.peerId).toBe('a')
  })

  it('answers null when no peer has room', () => {
    expect(choosePlacementPeer([peer('a', 100)], [upload('a', 'x', 50)], 60)).toBeNull()
    expect(choosePlacementPeer([], [], 0)).toBeNull()
  })
})
