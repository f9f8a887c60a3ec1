// The behaviour every DirectoryStore must have. Each implementation's test file calls
// describeDirectoryStoreContract with a factory, so the memory store and a later Redis store pass the same suite.
import { afterEach, describe, expect, it } from 'vitest'
import type { DirectoryStore, PeerRecord } from '../../src/store/directory-store.js'

const T0 = Date.UTC(2026, 0, 1)
const SHA_A = 'a'.repeat(64)
const SHA_B = 'b'.repeat(64)

function peer (peerId: string, overrides: Partial<PeerRecord> = {}): PeerRecord {
  return {
    peerId,
    grpcAddress: `${peerId}.example:50051`,
    capacityBytes: 1000,
    freeBytes: 800,
    activeTransfers: 1,
    registeredAt: T0,
    lastSeenAt: T0,
    ...overrides
  }
}

function file (name: string, sha256 = SHA_A, announcedAt = T0): { name: string, size: number, sha256: string, announcedAt: number } {
  return { name, size: 10, sha256, announcedAt }
}

export function describeDirectoryStoreContract (name: string, makeStore: () => DirectoryStore | Promise<DirectoryStore>): void {
  describe(`DirectoryStore contract: ${name}`, () => {
    const opened: DirectoryStore[] = []
    async function open (): Promise<DirectoryStore> {
      const store = await makeStore()
      opened.push(store)
      return store
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map(async (store) => { await store.close() }))
    })

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

    it('adds one file to a known peer, replacing its file of the same name, and refuses an unknown peer', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [file('a.txt')])
      expect(await store.addHolding({ peerId: 'p1', ...file('b.txt') }, { freeBytes: 700, lastSeenAt: T0 + 10 })).toBe(true)
      expect(await store.addHolding({ peerId: 'p1', ...file('a.txt', SHA_B, T0 + 20) }, { freeBytes: 600, lastSeenAt: T0 + 20 })).toBe(true)
      expect(await store.getPeer('p1')).toEqual(peer('p1', { freeBytes: 600, lastSeenAt: T0 + 20 }))
      const held = await store.listHoldings({ seenAfter: 0 })
      expect(held.sort((x, y) => x.name.localeCompare(y.name))).toEqual([
        { peerId: 'p1', ...file('a.txt', SHA_B, T0 + 20) },
        { peerId: 'p1', ...file('b.txt') }
      ])
      expect((await store.listPeers())[0]?.fileCount).toBe(2)

      expect(await store.addHolding({ peerId: 'ghost', ...file('x.txt') }, { freeBytes: 1, lastSeenAt: T0 })).toBe(false)
      expect(await store.listHoldings({ seenAfter: 0, name: 'x.txt' })).toEqual([])
      expect(await store.getPeer('ghost')).toBeNull()
    })

    it('removes a peer with its files and reservations, once', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [file('a.txt')])
      await store.putPeer(peer('p2'), [file('a.txt')])
      await store.addReservation({ peerId: 'p1', name: 'up.bin', size: 5, expiresAt: T0 + 1000, kind: 'upload' })
      await store.addReservation({ peerId: 'p2', name: 'up.bin', size: 5, expiresAt: T0 + 1000, kind: 'upload' })

      expect(await store.removePeer('p1')).toBe(true)
      expect(await store.getPeer('p1')).toBeNull()
      expect(await store.listHoldings({ seenAfter: 0, name: 'a.txt' })).toEqual([{ peerId: 'p2', ...file('a.txt') }])
      expect(await store.listReservations(T0)).toEqual([{ peerId: 'p2', name: 'up.bin', size: 5, expiresAt: T0 + 1000, kind: 'upload' }])
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

    it('keeps reservations until they expire, replacing one per peer and name', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [])
      await store.addReservation({ peerId: 'p1', name: 'up.bin', size: 5, expiresAt: T0 + 100, kind: 'upload' })
      await store.addReservation({ peerId: 'p1', name: 'up.bin', size: 6, expiresAt: T0 + 200, kind: 'upload' })
      await store.addReservation({ peerId: 'p1', name: 'other.bin', size: 7, expiresAt: T0 + 100, kind: 'upload' })
      expect((await store.listReservations(T0)).sort((x, y) => x.name.localeCompare(y.name))).toEqual([
        { peerId: 'p1', name: 'other.bin', size: 7, expiresAt: T0 + 100, kind: 'upload' },
        { peerId: 'p1', name: 'up.bin', size: 6, expiresAt: T0 + 200, kind: 'upload' }
      ])
      expect(await store.listReservations(T0 + 100)).toEqual([{ peerId: 'p1', name: 'up.bin', size: 6, expiresAt: T0 + 200, kind: 'upload' }])
      expect(await store.listReservations(T0 + 200)).toEqual([])
    })

    it('drops a reservation when its file is announced or registered, and keeps the others', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [])
      for (const name of ['announced.bin', 'registered.bin', 'pending.bin']) {
        await store.addReservation({ peerId: 'p1', name, size: 5, expiresAt: T0 + 1000, kind: 'upload' })
      }
      await store.addHolding({ peerId: 'p1', ...file('announced.bin') }, { freeBytes: 795, lastSeenAt: T0 })
      expect((await store.listReservations(T0)).map((r) => r.name).sort()).toEqual(['pending.bin', 'registered.bin'])
      await store.putPeer(peer('p1'), [file('announced.bin'), file('registered.bin')])
      expect((await store.listReservations(T0)).map((r) => r.name)).toEqual(['pending.bin'])
    })

    it('removes one reservation by peer and name', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [])
      await store.addReservation({ peerId: 'p1', name: 'copy.bin', size: 5, expiresAt: T0 + 1000, kind: 'replica', sha256: 'a'.repeat(64), delivered: true })
      await store.addReservation({ peerId: 'p1', name: 'up.bin', size: 5, expiresAt: T0 + 1000, kind: 'upload' })
      await store.removeReservation('p1', 'copy.bin')
      await store.removeReservation('p1', 'never.bin')
      expect(await store.listReservations(T0)).toEqual([{ peerId: 'p1', name: 'up.bin', size: 5, expiresAt: T0 + 1000, kind: 'upload' }])
    })

    it('keeps a catalog of known files: the first content stays unless replaced, the same content keeps its date', async () => {
      const store = await open()
      const a = { name: 'a.txt', size: 1, sha256: 'a'.repeat(64), addedAt: T0 }
      const b = { name: 'b.txt', size: 2, sha256: 'b'.repeat(64), addedAt: T0 }
      await store.recordInCatalog([b, a], { replace: false })
      await store.recordInCatalog([{ ...a, sha256: 'c'.repeat(64), addedAt: T0 + 5 }], { replace: false })
      expect(await store.listCatalog()).toEqual([a, b])
      await store.recordInCatalog([{ ...b, addedAt: T0 + 7 }], { replace: true })
      expect(await store.getCatalogEntry('b.txt')).toEqual(b)
      await store.recordInCatalog([{ ...a, sha256: 'c'.repeat(64), addedAt: T0 + 9 }], { replace: true })
      expect(await store.getCatalogEntry('a.txt')).toEqual({ ...a, sha256: 'c'.repeat(64), addedAt: T0 + 9 })
      expect(await store.getCatalogEntry('missing.txt')).toBeNull()
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
