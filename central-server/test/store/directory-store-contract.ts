// The behaviour every DirectoryStore must have. Each implementation's test file calls
// describeDirectoryStoreContract with a factory, so the memory store and a later Redis store pass the same suite.
import { afterEach, describe, expect, it } from 'vitest'
import type { DirectoryStore, PeerRecord, ReservationRecord } from '../../src/store/directory-store.js'

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

/** Every peer of these tests counts as live unless a test says otherwise. */
const LIVE = { seenAfter: 0 }

function upload (peerId: string, name: string, size: number, expiresAt = T0 + 1000): ReservationRecord & { kind: 'upload' } {
  return { kind: 'upload', peerId, name, size, placedAt: T0, started: false, expiresAt }
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

    it('keeps reservations until they expire, replacing one per peer and name', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [])
      await store.addReservation({ peerId: 'p1', name: 'up.bin', size: 5, expiresAt: T0 + 100, kind: 'upload', placedAt: T0, started: false })
      await store.addReservation({ peerId: 'p1', name: 'up.bin', size: 6, expiresAt: T0 + 200, kind: 'upload', placedAt: T0, started: false })
      await store.addReservation({ peerId: 'p1', name: 'other.bin', size: 7, expiresAt: T0 + 100, kind: 'upload', placedAt: T0, started: false })
      expect((await store.listReservations(T0)).sort((x, y) => x.name.localeCompare(y.name))).toEqual([
        { peerId: 'p1', name: 'other.bin', size: 7, expiresAt: T0 + 100, kind: 'upload', placedAt: T0, started: false },
        { peerId: 'p1', name: 'up.bin', size: 6, expiresAt: T0 + 200, kind: 'upload', placedAt: T0, started: false }
      ])
      expect(await store.listReservations(T0 + 100)).toEqual([{ peerId: 'p1', name: 'up.bin', size: 6, expiresAt: T0 + 200, kind: 'upload', placedAt: T0, started: false }])
      expect(await store.listReservations(T0 + 200)).toEqual([])
    })

    it('drops a reservation when its file is announced or registered, and keeps the others', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [])
      for (const name of ['announced.bin', 'registered.bin', 'pending.bin']) {
        await store.addReservation({ peerId: 'p1', name, size: 5, expiresAt: T0 + 1000, kind: 'upload', placedAt: T0, started: false })
      }
      await store.addHolding({ peerId: 'p1', ...file('announced.bin') }, { freeBytes: 795, lastSeenAt: T0 }, LIVE)
      expect((await store.listReservations(T0)).map((r) => r.name).sort()).toEqual(['pending.bin', 'registered.bin'])
      await store.putPeer(peer('p1'), [file('announced.bin'), file('registered.bin')])
      expect((await store.listReservations(T0)).map((r) => r.name)).toEqual(['pending.bin'])
    })

    it('removes one reservation by peer and name', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [])
      await store.addReservation({ peerId: 'p1', name: 'copy.bin', size: 5, expiresAt: T0 + 1000, kind: 'replica', sha256: 'a'.repeat(64), delivered: true })
      await store.addReservation({ peerId: 'p1', name: 'up.bin', size: 5, expiresAt: T0 + 1000, kind: 'upload', placedAt: T0, started: false })
      await store.removeReservation('p1', 'copy.bin')
      await store.removeReservation('p1', 'never.bin')
      expect(await store.listReservations(T0)).toEqual([{ peerId: 'p1', name: 'up.bin', size: 5, expiresAt: T0 + 1000, kind: 'upload', placedAt: T0, started: false }])
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

    it('gives a name to one upload only: a second claim, a held name or no room changes nothing', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [])
      await store.putPeer(peer('p2'), [])
      expect(await store.reserveUpload(upload('p1', 'race.bin', 100), LIVE)).toBe('reserved')
      // Another upload of the name, to any peer (the same one too), waits for the first to end.
      expect(await store.reserveUpload(upload('p2', 'race.bin', 100), LIVE)).toBe('name-uploading')
      expect(await store.reserveUpload(upload('p1', 'race.bin', 100), LIVE)).toBe('name-uploading')
      expect(await store.listReservations(T0)).toEqual([upload('p1', 'race.bin', 100)])
      // Once the claim has run out, the name is free again.
      expect(await store.reserveUpload({ ...upload('p2', 'race.bin', 100), placedAt: T0 + 1000, expiresAt: T0 + 2000 }, LIVE)).toBe('reserved')

      await store.putPeer(peer('p3'), [file('held.txt')])
      await store.recordInCatalog([{ name: 'held.txt', size: 10, sha256: SHA_A, addedAt: T0 }])
      expect(await store.reserveUpload(upload('p1', 'held.txt', 10), LIVE)).toBe('name-held')
      expect((await store.listReservations(T0)).map((r) => r.name)).not.toContain('held.txt')
    })

    it('claims the room with the name: never more than a peer\'s free bytes, never on an expired or unknown peer', async () => {
      const store = await open()
      await store.putPeer(peer('p1', { freeBytes: 800 }), [])
      expect(await store.reserveUpload(upload('p1', 'a.bin', 500), LIVE)).toBe('reserved')
      expect(await store.reserveUpload(upload('p1', 'b.bin', 400), LIVE)).toBe('no-room')
      expect(await store.reserveUpload(upload('p1', 'c.bin', 300), LIVE)).toBe('reserved')
      expect(await store.reserveUpload(upload('p1', 'd.bin', 1), LIVE)).toBe('no-room')
      expect(await store.reserveUpload(upload('ghost', 'e.bin', 1), LIVE)).toBe('no-room')
      await store.putPeer(peer('old', { lastSeenAt: T0 - 100 }), [])
      expect(await store.reserveUpload(upload('old', 'f.bin', 1), { seenAfter: T0 - 50 })).toBe('no-room')
      expect((await store.listReservations(T0)).map((r) => r.name).sort()).toEqual(['a.bin', 'c.bin'])
    })

    it('places exactly one of many concurrent claims on one name, and fills a peer exactly', async () => {
      const store = await open()
      for (let i = 0; i < 5; i++) await store.putPeer(peer(`p${i}`, { freeBytes: 1000 }), [])
      const sameName = await Promise.all(Array.from({ length: 20 }, async (_, i) => await store.reserveUpload(upload(`p${i % 5}`, 'race.bin', 10), LIVE)))
      expect(sameName.filter((outcome) => outcome === 'reserved')).toHaveLength(1)
      expect(sameName.filter((outcome) => outcome === 'name-uploading')).toHaveLength(19)
      const oneRoom = await Promise.all(Array.from({ length: 20 }, async (_, i) => await store.reserveUpload(upload('p0', `f${i}.bin`, 100), LIVE)))
      // p0 has 1000 bytes and 10 of them are claimed for race.bin (if it won): at most 9 or 10 fit.
      const reservedOnP0 = (await store.listReservations(T0)).filter((r) => r.peerId === 'p0').reduce((sum, r) => sum + r.size, 0)
      expect(reservedOnP0).toBeLessThanOrEqual(1000)
      expect(oneRoom.filter((outcome) => outcome === 'reserved').length).toBeGreaterThanOrEqual(9)
    })

    it('lets a name whose content no live peer holds, or that only other content is held under, be claimed again', async () => {
      const store = await open()
      await store.putPeer(peer('gone', { lastSeenAt: T0 - 100 }), [file('lost.txt')])
      await store.recordInCatalog([{ name: 'lost.txt', size: 10, sha256: SHA_A, addedAt: T0 }])
      await store.putPeer(peer('p1'), [file('lost.txt', SHA_B)])
      await store.putPeer(peer('p2'), [])
      // Not on the peer with other bytes under that name, though: it cannot hold two contents under one name.
      expect(await store.reserveUpload(upload('p1', 'lost.txt', 10), { seenAfter: T0 - 50 })).toBe('no-room')
      expect(await store.reserveUpload(upload('p2', 'lost.txt', 10), { seenAfter: T0 - 50 })).toBe('reserved')
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

    it('renews the upload claims a peer is receiving and drops the stale ones it is not', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [])
      await store.putPeer(peer('p2'), [])
      await store.addReservation(upload('p1', 'running.bin', 10, T0 + 100))
      await store.addReservation(upload('p1', 'failed.bin', 10, T0 + 100))
      await store.addReservation({ ...upload('p1', 'just-placed.bin', 10, T0 + 100), placedAt: T0 + 50 })
      await store.addReservation({ peerId: 'p1', name: 'copy.bin', size: 5, expiresAt: T0 + 100, kind: 'replica', sha256: SHA_A, delivered: true })
      await store.addReservation(upload('p2', 'elsewhere.bin', 10, T0 + 100))
      await store.renewUploadClaims('p1', ['running.bin', 'never-placed.bin'], { at: T0 + 60, expiresAt: T0 + 500, forgetPlacedBefore: T0 + 10 })
      const byName = new Map((await store.listReservations(T0 + 60)).map((r) => [r.name, r]))
      expect([...byName.keys()].sort()).toEqual(['copy.bin', 'elsewhere.bin', 'just-placed.bin', 'running.bin'])
      expect(byName.get('running.bin')).toMatchObject({ expiresAt: T0 + 500, started: true })
      expect(byName.get('just-placed.bin')).toMatchObject({ expiresAt: T0 + 100, started: false })
      expect(byName.get('elsewhere.bin')?.expiresAt).toBe(T0 + 100)
      // Once started, an upload the peer no longer reports is over, however recently it was placed.
      await store.renewUploadClaims('p1', ['just-placed.bin'], { at: T0 + 70, expiresAt: T0 + 500, forgetPlacedBefore: T0 })
      expect((await store.listReservations(T0 + 70)).map((r) => r.name).sort()).toEqual(['copy.bin', 'elsewhere.bin', 'just-placed.bin'])
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
