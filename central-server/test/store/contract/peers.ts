// The PeerStore part of the contract: peers registered, renewed and removed (a leave or an expiry), and
// the liveness filters every listing takes.
import { describe, expect, it } from 'vitest'
import { allPeers, file, holdersOf, peer, reservationsOf, SHA_A, SHA_B, T0 } from './fixtures.js'
import type { OpenStore } from './fixtures.js'

export function describePeerStoreContract (open: OpenStore): void {
  describe('peers: membership and expiry', () => {
    it('stores a peer and lists it with its file count', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [file('a.txt'), file('b.txt')])
      expect(await store.getPeer('p1')).toEqual(peer('p1'))
      expect(await allPeers(store)).toEqual([{ ...peer('p1'), fileCount: 2 }])
      expect(await store.getPeer('nobody')).toBeNull()
    })

    it('replaces the whole record and file set on a second putPeer', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [file('a.txt'), file('b.txt')])
      await store.putPeer(peer('p1', { freeBytes: 5, grpcAddress: 'moved.example:1' }), [file('c.txt', SHA_B)])
      expect(await store.getPeer('p1')).toEqual(peer('p1', { freeBytes: 5, grpcAddress: 'moved.example:1' }))
      expect(await store.getFile('c.txt', { seenAfter: 0 })).toEqual({
        name: 'c.txt', size: 10, sha256: SHA_B, addedAt: T0, holders: [{ ...peer('p1', { freeBytes: 5, grpcAddress: 'moved.example:1' }), announcedAt: T0 }]
      })
      expect(await holdersOf(store, 'a.txt')).toEqual([])
      expect((await allPeers(store))[0]?.fileCount).toBe(1)
    })

    it('records the names a registration brings that the catalog does not know, and keeps those it knows', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [file('a.txt', SHA_A, T0 + 5)])
      await store.putPeer(peer('p2'), [file('a.txt', SHA_B, T0 + 9), file('b.txt', SHA_B, T0 + 9)])
      expect(await store.getFile('a.txt', { seenAfter: 0 })).toMatchObject({ sha256: SHA_A, addedAt: T0 + 5 })
      expect(await holdersOf(store, 'a.txt')).toEqual(['p1'])
      expect(await store.getFile('b.txt', { seenAfter: 0 })).toMatchObject({ sha256: SHA_B, addedAt: T0 + 9 })
      expect(await store.getFile('missing.txt', { seenAfter: 0 })).toBeNull()
    })

    it('updates the status of a known peer and refuses an unknown one', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [file('a.txt')])
      expect(await store.updatePeer('p1', { freeBytes: 7, activeTransfers: 3, lastSeenAt: T0 + 50 })).toBe(true)
      expect(await store.getPeer('p1')).toEqual(peer('p1', { freeBytes: 7, activeTransfers: 3, lastSeenAt: T0 + 50 }))
      expect(await holdersOf(store, 'a.txt')).toEqual(['p1'])

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
      expect(await holdersOf(store, 'a.txt')).toEqual(['p2'])
      expect(await reservationsOf(store, ['p1', 'p2'])).toEqual([{ peerId: 'p2', name: 'up.bin', size: 5, expiresAt: T0 + 1000, kind: 'upload', placedAt: T0, started: false }])
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

    it('filters peers and holders by when they were last seen', async () => {
      const store = await open()
      await store.putPeer(peer('old', { lastSeenAt: T0 }), [file('shared.txt'), file('old.txt')])
      await store.putPeer(peer('new', { lastSeenAt: T0 + 100 }), [file('shared.txt')])
      await store.putPeer(peer('mid', { lastSeenAt: T0 + 50 }), [])

      expect((await allPeers(store)).map((p) => p.peerId)).toEqual(['mid', 'new', 'old'])
      expect((await allPeers(store, T0 + 50)).map((p) => p.peerId)).toEqual(['new'])
      expect((await store.listPeerIdsNotSeenAfter(T0 + 50)).sort()).toEqual(['mid', 'old'])
      expect(await holdersOf(store, 'shared.txt', T0)).toEqual(['new'])
      expect(await holdersOf(store, 'old.txt', T0)).toEqual([])
      expect(await holdersOf(store, 'shared.txt', T0 - 1)).toEqual(['new', 'old'])
      // A heartbeat moves a peer in the expiry order.
      await store.updatePeer('old', { freeBytes: 1, activeTransfers: 0, lastSeenAt: T0 + 200 })
      expect(await store.listPeerIdsNotSeenAfter(T0 + 50)).toEqual(['mid'])
    })

    it('hands out copies: changing a returned record changes nothing stored', async () => {
      const store = await open()
      const record = peer('p1')
      await store.putPeer(record, [file('a.txt')])
      record.freeBytes = 1
      const got = await store.getPeer('p1')
      if (got == null) throw new Error('peer missing')
      got.freeBytes = 2
      const listed = await allPeers(store)
      if (listed[0] != null) listed[0].freeBytes = 3
      const held = await store.getFile('a.txt', { seenAfter: 0 })
      if (held?.holders[0] != null) held.holders[0].freeBytes = 4
      if (held != null) held.size = 99
      expect(await store.getPeer('p1')).toEqual(peer('p1'))
      expect(await store.getFile('a.txt', { seenAfter: 0 })).toEqual({ name: 'a.txt', size: 10, sha256: SHA_A, addedAt: T0, holders: [{ ...peer('p1'), announcedAt: T0 }] })
    })
  })
}
