// The TombstoneStore part of the contract: a delete takes the name out of the catalog at once and orders
// every holder (and every peer copying it) to delete it; a holder away during the delete is ordered when
// it registers again; a copy crossing the delete is refused; the name shared again lifts the tombstone;
// tombstones run out.
import { describe, expect, it } from 'vitest'
import { allPeers, file, holdersOf, LIVE, peer, reservedNames, SHA_A, SHA_B, T0, upload } from './fixtures.js'
import type { OpenStore } from './fixtures.js'

const DAY = 86_400_000
const tombstone = (name: string, sha256 = SHA_A, deletedAt = T0 + 100) => ({ name, sha256, deletedAt, expiresAt: deletedAt + DAY })

export function describeTombstoneStoreContract (open: OpenStore): void {
  describe('tombstones and delete orders', () => {
    it('deletes a file from the catalog at once and orders each holder of that content to delete it', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [file('gone.txt'), file('kept.txt')])
      await store.putPeer(peer('p2'), [file('gone.txt')])
      await store.putPeer(peer('p3'), [file('gone.txt', SHA_B)])
      expect(await store.deleteFile(tombstone('gone.txt'))).toBe('deleted')

      expect(await store.getFile('gone.txt', LIVE)).toBeNull()
      expect((await store.pageFiles({ seenAfter: 0, limit: 10, words: [], scanLimit: 100 })).files.map((f) => f.name)).toEqual(['kept.txt'])
      expect(await store.listFilesByCopies({ min: 0, max: 10, seenAfter: 0, limit: 10 })).toMatchObject([{ name: 'kept.txt' }])
      expect(await store.getTombstone('gone.txt', T0 + 200)).toEqual(tombstone('gone.txt'))
      expect(await store.takeDeleteOrders('p1', [], 100)).toEqual([{ name: 'gone.txt', sha256: SHA_A }])
      expect(await store.takeDeleteOrders('p2', [], 100)).toEqual([{ name: 'gone.txt', sha256: SHA_A }])
      // Other content under the name is not what was deleted.
      expect(await store.takeDeleteOrders('p3', [], 100)).toEqual([])
      const counts = await store.countDirectory({ at: T0 + 200, seenAfter: 0, replicationFactor: 2 })
      expect(counts).toMatchObject({ files: 1, lost: 0, underReplicated: 1 })
    })

    it('answers unknown for a name the catalog does not know, changed for other content, and changes nothing then', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [file('a.txt')])
      expect(await store.deleteFile(tombstone('nothing.txt'))).toBe('unknown')
      expect(await store.deleteFile(tombstone('a.txt', SHA_B))).toBe('changed')
      expect(await store.getTombstone('a.txt', T0)).toBeNull()
      expect(await holdersOf(store, 'a.txt')).toEqual(['p1'])
      expect(await store.takeDeleteOrders('p1', [], 100)).toEqual([])
    })

    it('keeps an order until the peer confirms it; the confirmation removes its holding', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [file('gone.txt'), file('kept.txt')])
      await store.deleteFile(tombstone('gone.txt'))
      expect(await store.takeDeleteOrders('p1', [], 100)).toHaveLength(1)
      expect(await store.takeDeleteOrders('p1', [], 100)).toHaveLength(1)
      expect(await store.takeDeleteOrders('p1', ['gone.txt', 'never-ordered.txt'], 100)).toEqual([])
      expect((await allPeers(store))[0]?.fileCount).toBe(1)
      expect((await store.countDirectory({ at: T0 + 200, seenAfter: 0, replicationFactor: 1 })).holdings).toBe(1)
    })

    it('drops the copy orders of a deleted file and orders their peers to abandon them', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [file('gone.txt')])
      await store.putPeer(peer('p2'), [])
      const orders = await store.takeCopyOrders('p2', { at: T0, seenAfter: 0, replicationFactor: 2, expiresAt: T0 + 1000, lookAhead: 10 })
      expect(orders.map((order) => order.name)).toEqual(['gone.txt'])
      await store.deleteFile(tombstone('gone.txt'))
      expect(await reservedNames(store, ['p2'])).toEqual([])
      expect(await store.takeDeleteOrders('p2', [], 100)).toEqual([{ name: 'gone.txt', sha256: SHA_A }])
      expect((await store.countDirectory({ at: T0, seenAfter: 0, replicationFactor: 2 })).copiesOrdered).toBe(0)
      expect(await store.takeCopyOrders('p2', { at: T0, seenAfter: 0, replicationFactor: 2, expiresAt: T0 + 1000, lookAhead: 10 })).toEqual([])
    })

    it('orders a holder that registers again with the deleted content to delete it, and never lists it again', async () => {
      const store = await open()
      await store.putPeer(peer('away'), [file('gone.txt')])
      await store.putPeer(peer('p1'), [file('gone.txt')])
      await store.removePeer('away')
      await store.deleteFile(tombstone('gone.txt'))
      await store.putPeer(peer('away', { lastSeenAt: T0 + 500 }), [file('gone.txt'), file('other.txt')])
      expect(await store.getFile('gone.txt', LIVE)).toBeNull()
      expect(await store.takeDeleteOrders('away', [], 100)).toEqual([{ name: 'gone.txt', sha256: SHA_A }])
      const orders = await store.takeCopyOrders('p1', { at: T0 + 500, seenAfter: 0, replicationFactor: 3, expiresAt: T0 + 1000, lookAhead: 10 })
      expect(orders.map((order) => order.name)).toEqual(['other.txt'])
      // Leaving forgets its orders; registering again brings them back.
      await store.removePeer('away')
      expect(await store.takeDeleteOrders('away', [], 100)).toEqual([])
    })

    it('refuses an announce of the deleted content without an upload claim, and orders it deleted', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [file('gone.txt')])
      await store.putPeer(peer('p2'), [])
      await store.deleteFile(tombstone('gone.txt'))
      expect(await store.addHolding({ peerId: 'p2', ...file('gone.txt', SHA_A, T0 + 300) }, { freeBytes: 700, lastSeenAt: T0 + 300 }, LIVE)).toBe('deleted')
      expect(await store.getFile('gone.txt', LIVE)).toBeNull()
      expect(await store.takeDeleteOrders('p2', [], 100)).toEqual([{ name: 'gone.txt', sha256: SHA_A }])
    })

    it('lets the name be shared again under an upload claim, which lifts the tombstone', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [file('again.txt')])
      await store.putPeer(peer('p2'), [])
      await store.deleteFile(tombstone('again.txt'))
      await store.takeDeleteOrders('p1', ['again.txt'], 100)
      expect(await store.reserveUpload(upload('p2', 'again.txt', 10), LIVE)).toBe('reserved')
      expect(await store.addHolding({ peerId: 'p2', ...file('again.txt', SHA_B, T0 + 400) }, { freeBytes: 700, lastSeenAt: T0 + 400 }, LIVE)).toBe('added')
      expect(await store.getFile('again.txt', LIVE)).toMatchObject({ sha256: SHA_B, addedAt: T0 + 400 })
      expect(await store.getTombstone('again.txt', T0 + 400)).toBeNull()
      expect(await store.deleteFile(tombstone('again.txt', SHA_A, T0 + 500))).toBe('changed')
    })

    it('forgets tombstones that ran out; a returning holder then brings the file back', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [file('old.txt')])
      await store.deleteFile(tombstone('old.txt'))
      await store.deleteFile(tombstone('nothing.txt'))
      expect(await store.forgetTombstones(T0 + 100 + DAY - 1)).toBe(0)
      expect(await store.getTombstone('old.txt', T0 + 100 + DAY)).toBeNull()
      expect(await store.forgetTombstones(T0 + 100 + DAY)).toBe(1)
      await store.removePeer('p1')
      await store.putPeer(peer('p1', { lastSeenAt: T0 + 2 * DAY }), [file('old.txt')])
      expect(await holdersOf(store, 'old.txt')).toEqual(['p1'])
    })
  })
}
