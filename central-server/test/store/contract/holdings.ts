// The HoldingStore part of the contract: announcing one file, the catalog of what each name stands for,
// and an announce refused when the name belongs to another content or another upload.
import { describe, expect, it } from 'vitest'
import { allPeers, file, holdersOf, LIVE, peer, SHA_A, SHA_B, T0, upload } from './fixtures.js'
import type { OpenStore } from './fixtures.js'

export function describeHoldingStoreContract (open: OpenStore): void {
  describe('holdings and the catalog', () => {
    it('adds one file to a known peer, replacing its file of the same name, and refuses an unknown peer', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [file('a.txt')])
      expect(await store.addHolding({ peerId: 'p1', ...file('b.txt') }, { freeBytes: 700, lastSeenAt: T0 + 10 }, LIVE)).toBe('added')
      expect(await store.addHolding({ peerId: 'p1', ...file('a.txt', SHA_B, T0 + 20) }, { freeBytes: 600, lastSeenAt: T0 + 20 }, LIVE)).toBe('added')
      const p1 = peer('p1', { freeBytes: 600, lastSeenAt: T0 + 20 })
      expect(await store.getPeer('p1')).toEqual(p1)
      expect(await store.getFile('a.txt', LIVE)).toEqual({ name: 'a.txt', size: 10, sha256: SHA_B, addedAt: T0 + 20, holders: [{ ...p1, announcedAt: T0 + 20 }] })
      expect(await store.getFile('b.txt', LIVE)).toEqual({ name: 'b.txt', size: 10, sha256: SHA_A, addedAt: T0, holders: [{ ...p1, announcedAt: T0 }] })
      expect((await allPeers(store))[0]?.fileCount).toBe(2)

      expect(await store.addHolding({ peerId: 'ghost', ...file('x.txt') }, { freeBytes: 1, lastSeenAt: T0 }, LIVE)).toBe('unknown-peer')
      expect(await store.getFile('x.txt', LIVE)).toBeNull()
      expect(await store.getPeer('ghost')).toBeNull()
    })

    it('makes an announced content what its name stands for; the same content keeps its date', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [])
      await store.addReservation(upload('p1', 'new.txt', 10))
      expect(await store.addHolding({ peerId: 'p1', ...file('new.txt', SHA_A, T0 + 3) }, { freeBytes: 790, lastSeenAt: T0 + 3 }, LIVE)).toBe('added')
      expect(await store.getFile('new.txt', LIVE)).toMatchObject({ name: 'new.txt', size: 10, sha256: SHA_A, addedAt: T0 + 3 })
      await store.putPeer(peer('p2'), [])
      expect(await store.addHolding({ peerId: 'p2', ...file('new.txt', SHA_A, T0 + 9) }, { freeBytes: 790, lastSeenAt: T0 + 9 }, LIVE)).toBe('added')
      expect(await store.getFile('new.txt', LIVE)).toMatchObject({ name: 'new.txt', size: 10, sha256: SHA_A, addedAt: T0 + 3 })
      // A peer announcing again what it holds keeps the date it first announced it.
      expect(await store.addHolding({ peerId: 'p2', ...file('new.txt', SHA_A, T0 + 30) }, { freeBytes: 790, lastSeenAt: T0 + 30 }, LIVE)).toBe('added')
      const holders = (await store.getFile('new.txt', LIVE))?.holders ?? []
      expect(holders.map((holder) => [holder.peerId, holder.announcedAt]).sort()).toEqual([['p1', T0 + 3], ['p2', T0 + 9]])
    })

    it('keeps the piece table digest that came with the content; a later holding of it never changes it, new content brings its own', async () => {
      const store = await open()
      const PIECES_1 = '1'.repeat(64)
      const PIECES_2 = '2'.repeat(64)
      const PIECES_3 = '3'.repeat(64)
      // A registration records a name with the digest of its holding, and a name without one as having none.
      await store.putPeer(peer('p1'), [{ ...file('reg.txt'), piecesSha256: PIECES_1 }, file('bare.txt')])
      expect(await store.getFile('reg.txt', LIVE)).toMatchObject({ sha256: SHA_A, piecesSha256: PIECES_1 })
      expect((await store.getFile('bare.txt', LIVE))?.piecesSha256).toBeUndefined()

      // Other holders of the same content, announcing or registering another digest (or none), change nothing.
      await store.putPeer(peer('p2'), [{ ...file('reg.txt'), piecesSha256: PIECES_2 }, { ...file('bare.txt'), piecesSha256: PIECES_2 }])
      expect(await store.addHolding({ peerId: 'p2', ...file('reg.txt'), piecesSha256: PIECES_3 }, { freeBytes: 700, lastSeenAt: T0 + 5 }, LIVE)).toBe('added')
      await store.putPeer(peer('p3'), [file('reg.txt')])
      expect(await store.getFile('reg.txt', LIVE)).toMatchObject({ sha256: SHA_A, piecesSha256: PIECES_1 })
      expect((await store.getFile('bare.txt', LIVE))?.piecesSha256).toBeUndefined()

      // An upload's announce under its own claim makes its content, with its digest, what the name stands for.
      await store.putPeer(peer('p4'), [])
      await store.addReservation(upload('p4', 'up.txt', 10))
      expect(await store.addHolding({ peerId: 'p4', ...file('up.txt', SHA_B, T0 + 7), piecesSha256: PIECES_3 }, { freeBytes: 790, lastSeenAt: T0 + 7 }, LIVE)).toBe('added')
      expect(await store.getFile('up.txt', LIVE)).toMatchObject({ sha256: SHA_B, piecesSha256: PIECES_3, addedAt: T0 + 7 })
      // The same for a name whose holders are all gone: the new content's digest, or none, replaces the old one.
      await store.removePeer('p1')
      await store.removePeer('p2')
      await store.removePeer('p3')
      expect((await store.getFile('reg.txt', LIVE))?.holders).toEqual([])
      await store.addReservation(upload('p4', 'reg.txt', 10))
      expect(await store.addHolding({ peerId: 'p4', ...file('reg.txt', SHA_B, T0 + 9) }, { freeBytes: 780, lastSeenAt: T0 + 9 }, LIVE)).toBe('added')
      const replaced = await store.getFile('reg.txt', LIVE)
      expect(replaced?.sha256).toBe(SHA_B)
      expect(replaced?.piecesSha256).toBeUndefined()
      // Listings and copy orders answer the same records.
      const listed = (await store.pageFiles({ seenAfter: 0, limit: 10, words: [], scanLimit: 10 })).files
      expect(listed.map((entry) => [entry.name, entry.piecesSha256])).toEqual([['bare.txt', undefined], ['reg.txt', undefined], ['up.txt', PIECES_3]])
    })

    it('refuses an announce of a name that belongs to another content or another upload, unless under the peer\'s own claim', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [])
      await store.putPeer(peer('p2'), [])
      await store.putPeer(peer('p3'), [])
      await store.addReservation(upload('p1', 'a.txt', 10))
      expect(await store.addHolding({ peerId: 'p1', ...file('a.txt', SHA_A) }, { freeBytes: 790, lastSeenAt: T0 }, LIVE)).toBe('added')
      // Other bytes under a name whose content a live peer holds: refused, nothing stored.
      expect(await store.addHolding({ peerId: 'p2', ...file('a.txt', SHA_B) }, { freeBytes: 1, lastSeenAt: T0 + 1 }, LIVE)).toBe('name-held')
      expect(await holdersOf(store, 'a.txt')).toEqual(['p1'])
      expect((await store.getPeer('p2'))?.freeBytes).toBe(800)
      expect((await allPeers(store)).find((p) => p.peerId === 'p2')?.fileCount).toBe(0)
      expect((await store.getFile('a.txt', LIVE))?.sha256).toBe(SHA_A)
      // The same content (a copy) is welcome.
      expect(await store.addHolding({ peerId: 'p2', ...file('a.txt', SHA_A) }, { freeBytes: 790, lastSeenAt: T0 + 1 }, LIVE)).toBe('added')

      // A name claimed by another peer's upload cannot be announced by anybody else.
      await store.addReservation(upload('p1', 'b.txt', 10))
      expect(await store.addHolding({ peerId: 'p3', ...file('b.txt', SHA_B) }, { freeBytes: 790, lastSeenAt: T0 + 2 }, LIVE)).toBe('name-uploading')
      expect(await store.getFile('b.txt', LIVE)).toBeNull()

      // Under its own claim an upload wins, even over a content that came back meanwhile.
      await store.addReservation(upload('p3', 'a.txt', 10))
      expect(await store.addHolding({ peerId: 'p3', ...file('a.txt', SHA_B) }, { freeBytes: 790, lastSeenAt: T0 + 3 }, LIVE)).toBe('added')
      expect((await store.getFile('a.txt', LIVE))?.sha256).toBe(SHA_B)
      expect(await holdersOf(store, 'a.txt')).toEqual(['p3'])
    })

    it('answers a file with its live holders of the catalog content only', async () => {
      const store = await open()
      await store.putPeer(peer('first'), [file('doc.txt', SHA_A)])
      await store.putPeer(peer('other'), [file('doc.txt', SHA_B)])
      await store.putPeer(peer('gone', { lastSeenAt: T0 - 100 }), [file('doc.txt', SHA_A)])
      expect(await holdersOf(store, 'doc.txt', T0 - 50)).toEqual(['first'])
      await store.removePeer('first')
      // The name stands for its content still, with no live holder: lost, not other bytes.
      expect(await store.getFile('doc.txt', { seenAfter: T0 - 50 })).toEqual({ name: 'doc.txt', size: 10, sha256: SHA_A, addedAt: T0, holders: [] })
    })
  })
}
