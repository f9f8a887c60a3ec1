// The fake directory must be what the table says it is: M files per peer, each file held by one peer
// or by two, and the share held by one peer as counted.
import { describe, expect, it } from 'vitest'
import { heldName, peerIdOf, registrationOf, shapeCounts } from '../lib/directory-content.js'
import type { DirectoryShape } from '../lib/directory-content.js'

function holdersByName (shape: DirectoryShape): Map<string, Set<number>> {
  const holders = new Map<string, Set<number>>()
  for (let peer = 0; peer < shape.peers; peer++) {
    for (let slot = 0; slot < shape.filesPerPeer; slot++) {
      const name = heldName(shape, peer, slot)
      holders.set(name, (holders.get(name) ?? new Set()).add(peer))
    }
  }
  return holders
}

describe('the directory benchmark\'s fake directory', () => {
  const shapes: DirectoryShape[] = [
    { peers: 10, filesPerPeer: 100, shortShare: 0 },
    { peers: 10, filesPerPeer: 100, shortShare: 0.5 },
    { peers: 7, filesPerPeer: 9, shortShare: 0.5 },
    { peers: 2, filesPerPeer: 1, shortShare: 0 },
    { peers: 3, filesPerPeer: 5, shortShare: 1 }
  ]

  it.each(shapes)('holds M distinct files per peer, each on one or two peers, as counted (%o)', (shape) => {
    const counts = shapeCounts(shape)
    const holders = holdersByName(shape)
    const holdings = [...holders.values()].reduce((sum, peers) => sum + peers.size, 0)
    expect(holdings).toBe(shape.peers * shape.filesPerPeer)
    expect(counts.holdings).toBe(holdings)
    expect(holders.size).toBe(counts.files)
    expect([...holders.values()].filter((peers) => peers.size === 1).length).toBe(counts.shortFiles)
    expect([...holders.values()].every((peers) => peers.size === 1 || peers.size === 2)).toBe(true)
  })

  it('comes close to the asked share of files short of a copy', () => {
    const half = shapeCounts({ peers: 10_000, filesPerPeer: 100, shortShare: 0.5 })
    expect(half.shortFiles / half.files).toBeCloseTo(0.5, 1)
    expect(shapeCounts({ peers: 10_000, filesPerPeer: 100, shortShare: 0 }).shortFiles).toBe(0)
  })

  it('registers a peer with its own files, distinct names and a valid address', () => {
    const shape = { peers: 4, filesPerPeer: 20, shortShare: 0.5 }
    const body = registrationOf(shape, 3)
    expect(body.peerId).toBe(peerIdOf(3))
    expect(new Set(body.files.map((file) => file.name)).size).toBe(20)
    expect(body.files.every((file) => /^[0-9a-f]{64}$/.test(file.sha256))).toBe(true)
    expect(body.freeBytes).toBeLessThan(body.capacityBytes)
  })
})
