// The HoldingStore part of the contract: announcing one file, the catalog of what each name stands for,
// and an announce refused when the name belongs to another content or another upload.
import { describe, expect, it } from 'vitest'
import { file, LIVE, peer, SHA_A, SHA_B, T0, upload } from './fixtures.js'
import type { OpenStore } from './fixtures.js'

export function describeHoldingStoreContract (open: OpenStore): void {
  describe('holdings and the catalog', () => {
    it('adds one file to a known peer, replacing its file of the same name, and refuses an unknown peer', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [file('a.txt')])
      expect(await store.addHolding({ peerId: 'p1', ...file('b.txt') }, { freeBytes: 700, lastSeenAt: T0 + 10 }, LIVE)).toBe('added')
      expect(await store.addHolding({ peerId: 'p1', ...file('a.txt', SHA_B, T0 + 20) }, { freeBytes: 600, lastSeenAt: T0 + 20 }, LIVE)).toBe('added')
      expect(await store.getPeer('p1')).toEqual(peer('p1', { freeBytes: 600, lastSeenAt: T0 + 20 }))
      const held = await store.listHoldings({ seenAfter: 0 })
      expect(held.sort((x, y) => x.name.localeCompare(y.name))).toEqual([
        { peerId: 'p1', ...file('a.txt', SHA_B, T0 + 20) },
        { peerId: 'p1', ...file('b.txt') }
      ])
      expect((await store.listPeers())[0]?.fileCount).toBe(2)

      expect(await store.addHolding({ peerId: 'ghost', ...file('x.txt') }, { freeBytes: 1, lastSeenAt: T0 }, LIVE)).toBe('unknown-peer')
      expect(await store.listHoldings({ seenAfter: 0, name: 'x.txt' })).toEqual([])
      expect(await store.getPeer('ghost')).toBeNull()
    })

    it('keeps a catalog of known files: a registration records only names it does not know', async () => {
      const store = await open()
      const a = { name: 'a.txt', size: 1, sha256: 'a'.repeat(64), addedAt: T0 }
      const b = { name: 'b.txt', size: 2, sha256: 'b'.repeat(64), addedAt: T0 }
      await store.recordInCatalog([b, a])
      await store.recordInCatalog([{ ...a, sha256: 'c'.repeat(64), addedAt: T0 + 5 }])
      expect(await store.listCatalog()).toEqual([a, b])
      expect(await store.getCatalogEntry('missing.txt')).toBeNull()
    })

    it('makes an announced content what its name stands for; the same content keeps its date', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [])
      await store.addReservation(upload('p1', 'new.txt', 10))
      expect(await store.addHolding({ peerId: 'p1', ...file('new.txt', SHA_A, T0 + 3) }, { freeBytes: 790, lastSeenAt: T0 + 3 }, LIVE)).toBe('added')
      expect(await store.getCatalogEntry('new.txt')).toEqual({ name: 'new.txt', size: 10, sha256: SHA_A, addedAt: T0 + 3 })
      await store.putPeer(peer('p2'), [])
      expect(await store.addHolding({ peerId: 'p2', ...file('new.txt', SHA_A, T0 + 9) }, { freeBytes: 790, lastSeenAt: T0 + 9 }, LIVE)).toBe('added')
      expect(await store.getCatalogEntry('new.txt')).toEqual({ name: 'new.txt', size: 10, sha256: SHA_A, addedAt: T0 + 3 })
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
      expect(await store.listHoldings({ seenAfter: 0, name: 'a.txt' })).toEqual([{ peerId: 'p1', ...file('a.txt', SHA_A) }])
      expect((await store.getPeer('p2'))?.freeBytes).toBe(800)
      expect((await store.getCatalogEntry('a.txt'))?.sha256).toBe(SHA_A)
      // The same content (a copy) is welcome.
      expect(await store.addHolding({ peerId: 'p2', ...file('a.txt', SHA_A) }, { freeBytes: 790, lastSeenAt: T0 + 1 }, LIVE)).toBe('added')

      // A name claimed by another peer's upload cannot be announced by anybody else.
      await store.addReservation(upload('p1', 'b.txt', 10))
      expect(await store.addHolding({ peerId: 'p3', ...file('b.txt', SHA_B) }, { freeBytes: 790, lastSeenAt: T0 + 2 }, LIVE)).toBe('name-uploading')
      expect(await store.listHoldings({ seenAfter: 0, name: 'b.txt' })).toEqual([])

      // Under its own claim an upload wins, even over a content that came back meanwhile.
      await store.addReservation(upload('p3', 'a.txt', 10))
      expect(await store.addHolding({ peerId: 'p3', ...file('a.txt', SHA_B) }, { freeBytes: 790, lastSeenAt: T0 + 3 }, LIVE)).toBe('added')
      expect((await store.getCatalogEntry('a.txt'))?.sha256).toBe(SHA_B)
    })
  })
}
