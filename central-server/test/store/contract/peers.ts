// The PeerStore part of the contract: peers registered, renewed and removed (a leave or an expiry), and
// the liveness filters every listing takes.
import { describe, expect, it } from 'vitest'
import { file, peer, SHA_B, T0 } from './fixtures.js'
import type { OpenStore } from './fixtures.js'

export function describePeerStoreContract (open: OpenStore): void {
  describe('peers: membership and expiry', () => {
    it('stores a peer and lists it with its file count', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [file('a.txt'), file('b.txt')])
      expect(await store.getPeer('p1')).toEqual(peer('p1'))
      expect(await store.listPeers()).toEqual([{ ...peer('p1'), fileCount: 2 }])
      expect(await store.getPeer('nobody')).toBeNull()
    })

    it('replaces the whole record and file set on a second putPeer', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [file('a.txt'), file('b.txt')])
      await store.putPeer(peer('p1', { freeBytes: 5, grpcAddress: 'moved.example:1' }), [file('c.txt', SHA_B)])
      expect(await store.getPeer('p1')).toEqual(peer('p1', { freeBytes: 5, grpcAddress: 'moved.example:1' }))
      expect(await store.listHoldings({ seenAfter: 0 })).toEqual([{ ...file('c.txt', SHA_B), peerId: 'p1' }])
      expect(await store.listHoldings({ seenAfter: 0, name: 'a.txt' })).toEqual([])
    })

    it('updates the status of a known peer and refuses an unknown one', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [file('a.txt')])
      expect(await store.updatePeer('p1', { freeBytes: 7, activeTransfers: 3, lastSeenAt: T0 + 50 })).toBe(true)
      expect(await store.getPeer('p1')).toEqual(peer('p1', { freeBytes: 7, activeTransfers: 3, lastSeenAt: T0 + 50 }))
      expect(await store.listHoldings({ seenAfter: 0 })).toHaveLength(1)

      expect(await store.updatePeer('ghost', { freeBytes: 7, activeTransfers: 3, lastSeenAt: T0 })).toBe(false)
      expect(await store.getPeer('ghost')).toBeNull()
    })

    it('removes a peer with its files and reservations, once', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [file('a.txt')])
      await store.putPeer(peer('p2'), [file('a.txt')])
      await store.addReservation({ peerId: 'p1', name: 'up.bin', size: 5, expiresAt: T0 + 1000, kind: 'upload', placedAt: T0, started: false })
      await store.addReservation({ peerId: 'p2', name: 'up.bin', size: 5, expiresAt: T0 + 1000, kind: 'upload', placedAt: T0, started: false })

      expect(await store.removePeer('p1')).toBe(true)
      expect(await store.getPeer('p1')).toBeNull()
      expect(await store.listHoldings({ seenAfter: 0, name: 'a.txt' })).toEqual([{ peerId: 'p2', ...file('a.txt') }])
      expect(await store.listReservations(T0)).toEqual([{ peerId: 'p2', name: 'up.bin', size: 5, expiresAt: T0 + 1000, kind: 'upload', placedAt: T0, started: false }])
      expect(await store.removePeer('p1')).toBe(false)
    })

    it('removes a peer on expiry only if it is still unseen since the cutoff', async () => {
      const store = await open()
      await store.putPeer(peer('p1', { lastSeenAt: T0 + 100 }), [])
      expect(await store.removePeer('p1', { notSeenAfter: T0 + 99 })).toBe(false)
      expect(await store.getPeer('p1')).not.toBeNull()
      expect(await store.removePeer('p1', { notSeenAfter: T0 + 100 })).toBe(true)
      expect(await store.getPeer('p1')).toBeNull()
    })

    it('filters peers and holdings by when they were last seen', async () => {
      const store = await open()
      await store.putPeer(peer('old', { lastSeenAt: T0 }), [file('shared.txt'), file('old.txt')])
      await store.putPeer(peer('new', { lastSeenAt: T0 + 100 }), [file('shared.txt')])
      await store.putPeer(peer('mid', { lastSeenAt: T0 + 50 }), [])

      expect((await store.listPeers()).map((p) => p.peerId)).toEqual(['mid', 'new', 'old'])
      expect((await store.listPeers({ seenAfter: T0 + 50 })).map((p) => p.peerId)).toEqual(['new'])
      expect((await store.listPeerIdsNotSeenAfter(T0 + 50)).sort()).toEqual(['mid', 'old'])
      expect(await store.listHoldings({ seenAfter: T0 })).toEqual([{ peerId: 'new', ...file('shared.txt') }])
      expect(await store.listHoldings({ seenAfter: T0, name: 'old.txt' })).toEqual([])
      expect((await store.listHoldings({ seenAfter: T0 - 1, name: 'shared.txt' })).map((h) => h.peerId).sort()).toEqual(['new', 'old'])
    })

    it('hands out copies: changing a returned record changes nothing stored', async () => {
      const store = await open()
      const record = peer('p1')
      await store.putPeer(record, [file('a.txt')])
      record.freeBytes = 1
      const got = await store.getPeer('p1')
      if (got == null) throw new Error('peer missing')
      got.freeBytes = 2
      const listed = await store.listPeers()
      if (listed[0] != null) listed[0].freeBytes = 3
      const held = await store.listHoldings({ seenAfter: 0 })
      if (held[0] != null) held[0].size = 99
      expect(await store.getPeer('p1')).toEqual(peer('p1'))
      expect(await store.listHoldings({ seenAfter: 0 })).toEqual([{ peerId: 'p1', ...file('a.txt') }])
    })
  })
}
