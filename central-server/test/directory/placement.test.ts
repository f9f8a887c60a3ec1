// The pure half of placement: of the candidates the store read (each with its unreserved room), the one
// with the most room that fits wins (tie: fewest transfers, then peer id).
import { describe, expect, it } from 'vitest'
import { choosePlacementPeer } from '../../src/directory/placement.js'
import type { PeerRoom } from '../../src/store/directory-store.js'

function candidate (peerId: string, room: number, activeTransfers = 0): PeerRoom {
  return { peer: { peerId, grpcAddress: `${peerId}:1`, capacityBytes: 1000, freeBytes: room, activeTransfers, registeredAt: 0, lastSeenAt: 0 }, room }
}

describe('choosePlacementPeer', () => {
  it('takes the candidate with the most room that fits', () => {
    expect(choosePlacementPeer([candidate('b', 400), candidate('a', 500)], 100)?.peerId).toBe('a')
    expect(choosePlacementPeer([candidate('a', 300), candidate('b', 400)], 100)?.peerId).toBe('b')
  })

  it('breaks ties by fewest active transfers, then by peer id', () => {
    expect(choosePlacementPeer([candidate('a', 500, 2), candidate('b', 500, 1)], 10)?.peerId).toBe('b')
    expect(choosePlacementPeer([candidate('b', 500), candidate('a', 500)], 10)?.peerId).toBe('a')
  })

  it('answers null when no candidate has room', () => {
    expect(choosePlacementPeer([candidate('a', 50)], 60)).toBeNull()
    expect(choosePlacementPeer([], 0)).toBeNull()
  })
})
