// The listings part of the contract: pages of peers and files that cost the page, a filter that stops
// once its page is full or its scan is spent, files by their copy count, and the counts of /health.
import { describe, expect, it } from 'vitest'
import type { DirectoryStore, FilePage } from '../../../src/store/directory-store.js'
import { file, LIVE, peer, SHA_A, SHA_B, T0, upload } from './fixtures.js'
import type { OpenStore } from './fixtures.js'

async function page (store: DirectoryStore, options: { after?: string, limit?: number, words?: string[], scanLimit?: number, seenAfter?: number } = {}): Promise<{ names: string[], resumeAfter: FilePage['resumeAfter'] }> {
  const found = await store.pageFiles({ seenAfter: options.seenAfter ?? 0, limit: options.limit ?? 100, words: options.words ?? [], scanLimit: options.scanLimit ?? 1000, ...(options.after == null ? {} : { after: options.after }) })
  return { names: found.files.map((entry) => entry.name), resumeAfter: found.resumeAfter }
}

export function describeListingsContract (open: OpenStore): void {
  describe('listings and counts', () => {
    it('pages live peers by id after a given id', async () => {
      const store = await open()
      for (const peerId of ['d', 'b', 'a', 'c', 'e']) await store.putPeer(peer(peerId), peerId === 'b' ? [file('x.txt')] : [])
      await store.updatePeer('c', { freeBytes: 1, activeTransfers: 0, lastSeenAt: T0 - 100 })
      const ids = async (after: string | undefined, limit: number): Promise<string[]> =>
        (await store.pagePeers({ seenAfter: T0 - 50, limit, ...(after == null ? {} : { after }) })).map((p) => p.peerId)
      expect(await ids(undefined, 2)).toEqual(['a', 'b'])
      expect(await ids('b', 2)).toEqual(['d', 'e'])
      expect(await ids('bb', 10)).toEqual(['d', 'e'])
      expect(await ids('e', 2)).toEqual([])
      expect((await store.pagePeers({ seenAfter: 0, after: 'a', limit: 1 }))[0]).toEqual({ ...peer('b'), fileCount: 1 })
    })

    it('pages the catalog by name, lost files too, with their live holders', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), ['delta', 'alpha', 'charlie', 'bravo', 'echo'].map((name) => file(name)))
      await store.putPeer(peer('p2'), [file('alpha')])
      await store.removePeer('p1')
      expect(await page(store, { limit: 2 })).toEqual({ names: ['alpha', 'bravo'], resumeAfter: 'bravo' })
      expect(await page(store, { after: 'bravo', limit: 2 })).toEqual({ names: ['charlie', 'delta'], resumeAfter: 'delta' })
      expect(await page(store, { after: 'delta', limit: 2 })).toEqual({ names: ['echo'], resumeAfter: null })
      // A full last page says so: nothing follows it.
      expect(await page(store, { after: 'charlie', limit: 2 })).toEqual({ names: ['delta', 'echo'], resumeAfter: null })
      const [alpha, bravo] = (await store.pageFiles({ seenAfter: 0, limit: 2, words: [], scanLimit: 10 })).files
      expect(alpha).toEqual({ name: 'alpha', size: 10, sha256: SHA_A, addedAt: T0, holders: [{ ...peer('p2'), announcedAt: T0 }] })
      expect(bravo?.holders).toEqual([])
    })

    it('orders names by their UTF-8 bytes (as Redis does), not by UTF-16 code units', async () => {
      const store = await open()
      // U+FF46 before U+1F600 in bytes and code points; the other way round in UTF-16 code units.
      const names = ['😀.txt', 'ｆ.txt', 'z.txt', 'é.txt']
      await store.putPeer(peer('p1'), names.map((name) => file(name)))
      expect((await page(store)).names).toEqual(['z.txt', 'é.txt', 'ｆ.txt', '😀.txt'])
      expect((await page(store, { after: 'ｆ.txt' })).names).toEqual(['😀.txt'])
    })

    it('keeps the names containing every word in any case, and stops once its page is full or its scan spent', async () => {
      const store = await open()
      const names = ['Holiday Photo.JPG', 'holiday.txt', 'Photo album.zip', 'ÉTÉ photo.png', 'work photo holiday.doc', 'zzz.bin']
      await store.putPeer(peer('p1'), names.map((name) => file(name)))
      expect((await page(store, { words: ['photo', 'holiday'] })).names).toEqual(['Holiday Photo.JPG', 'work photo holiday.doc'])
      expect((await page(store, { words: ['été'] })).names).toEqual(['ÉTÉ photo.png'])
      expect(await page(store, { words: ['photo'], limit: 2 })).toEqual({ names: ['Holiday Photo.JPG', 'Photo album.zip'], resumeAfter: 'Photo album.zip' })
      // Three names read, none matching: an empty page, and where to go on from.
      expect(await page(store, { words: ['work'], scanLimit: 3 })).toEqual({ names: [], resumeAfter: 'holiday.txt' })
      expect(await page(store, { words: ['work'], scanLimit: 3, after: 'holiday.txt' })).toEqual({ names: ['work photo holiday.doc'], resumeAfter: null })
      expect(await page(store, { words: ['nothing'] })).toEqual({ names: [], resumeAfter: null })
    })

    it('lists files by their copy count, fewest first, then by name', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [file('one-b'), file('two'), file('one-a'), file('gone')])
      await store.putPeer(peer('p2'), [file('two'), file('other', SHA_B)])
      await store.putPeer(peer('p3'), [file('gone')])
      await store.removePeer('p3')
      await store.addHolding({ peerId: 'p2', ...file('gone', SHA_A) }, { freeBytes: 1, lastSeenAt: T0 }, LIVE)
      await store.putPeer(peer('p1'), [file('one-b'), file('two'), file('one-a')])
      await store.removePeer('p2')
      const names = async (min: number, max: number, limit = 10): Promise<string[]> =>
        (await store.listFilesByCopies({ min, max, seenAfter: 0, limit })).map((entry) => entry.name)
      expect(await names(0, 0)).toEqual(['gone', 'other'])
      expect(await names(1, 1)).toEqual(['one-a', 'one-b', 'two'])
      expect(await names(0, 5, 3)).toEqual(['gone', 'other', 'one-a'])
      expect(await names(2, 5)).toEqual([])
    })

    it('counts live peers, files by copies, holdings and running reservations, without a snapshot', async () => {
      const store = await open()
      const counts = async (at = T0, seenAfter = 0): ReturnType<DirectoryStore['countDirectory']> =>
        await store.countDirectory({ at, seenAfter, replicationFactor: 2 })
      expect(await counts()).toEqual({ peers: 0, files: 0, underReplicated: 0, lost: 0, copiesOrdered: 0, uploadsPlaced: 0, holdings: 0 })
      await store.putPeer(peer('p1'), [file('shared'), file('one'), file('lonely')])
      await store.putPeer(peer('p2'), [file('shared')])
      await store.putPeer(peer('old', { lastSeenAt: T0 - 100 }), [file('lonely')])
      await store.addReservation(upload('p1', 'up.bin', 5, T0 + 100))
      await store.addReservation({ kind: 'replica', delivered: false, peerId: 'p2', name: 'one', size: 10, sha256: SHA_A, expiresAt: T0 + 200 })
      // Holdings count every peer's files, the expired peer's too until it is removed.
      expect(await counts(T0, T0 - 50)).toEqual({ peers: 2, files: 3, underReplicated: 1, lost: 0, copiesOrdered: 1, uploadsPlaced: 1, holdings: 5 })
      await store.removePeer('p1')
      expect(await counts(T0 + 100, T0 - 50)).toEqual({ peers: 1, files: 2, underReplicated: 2, lost: 1, copiesOrdered: 1, uploadsPlaced: 0, holdings: 2 })
      // A registration again replaces the peer's files; an announce adds one, or replaces the one of its name.
      await store.putPeer(peer('p2'), [file('shared'), file('two'), file('three')])
      expect(await counts(T0 + 100, T0 - 50)).toMatchObject({ holdings: 4 })
      expect(await store.addHolding({ ...file('four'), peerId: 'p2' }, { freeBytes: 1000, lastSeenAt: T0 }, { seenAfter: 0 })).toBe('added')
      expect(await store.addHolding({ ...file('two'), peerId: 'p2' }, { freeBytes: 1000, lastSeenAt: T0 }, { seenAfter: 0 })).toBe('added')
      expect(await counts(T0 + 100, T0 - 50)).toMatchObject({ holdings: 5 })
      expect(await counts(T0 + 200)).toMatchObject({ peers: 2, copiesOrdered: 0 })
    })
  })
}
