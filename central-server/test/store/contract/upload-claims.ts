// The ReservationStore part of the contract that placement relies on: a name goes to one upload, claimed
// atomically with the room, and the receiving peer's heartbeats keep or drop the claim.
import { describe, expect, it } from 'vitest'
import { file, LIVE, peer, reservationsOf, reservedNames, SHA_A, SHA_B, T0, upload } from './fixtures.js'
import type { OpenStore } from './fixtures.js'

export function describeUploadClaimContract (open: OpenStore): void {
  describe('upload claims', () => {
    it('gives a name to one upload only: a second claim, a held name or no room changes nothing', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [])
      await store.putPeer(peer('p2'), [])
      expect(await store.reserveUpload(upload('p1', 'race.bin', 100), LIVE)).toBe('reserved')
      // Another upload of the name, to any peer (the same one too), waits for the first to end.
      expect(await store.reserveUpload(upload('p2', 'race.bin', 100), LIVE)).toBe('name-uploading')
      expect(await store.reserveUpload(upload('p1', 'race.bin', 100), LIVE)).toBe('name-uploading')
      expect(await reservationsOf(store, ['p1', 'p2'])).toEqual([upload('p1', 'race.bin', 100)])
      // Once the claim has run out, the name is free again.
      expect(await store.reserveUpload({ ...upload('p2', 'race.bin', 100), placedAt: T0 + 1000, expiresAt: T0 + 2000 }, LIVE)).toBe('reserved')

      await store.putPeer(peer('p3'), [file('held.txt')])
      expect(await store.reserveUpload(upload('p1', 'held.txt', 10), LIVE)).toBe('name-held')
      expect(await reservedNames(store, ['p1', 'p2', 'p3'])).not.toContain('held.txt')
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
      expect(await reservedNames(store, ['p1', 'ghost', 'old'])).toEqual(['a.bin', 'c.bin'])
    })

    it('places exactly one of many concurrent claims on one name, and fills a peer exactly', async () => {
      const store = await open()
      for (let i = 0; i < 5; i++) await store.putPeer(peer(`p${i}`, { freeBytes: 1000 }), [])
      const sameName = await Promise.all(Array.from({ length: 20 }, async (_, i) => await store.reserveUpload(upload(`p${i % 5}`, 'race.bin', 10), LIVE)))
      expect(sameName.filter((outcome) => outcome === 'reserved')).toHaveLength(1)
      expect(sameName.filter((outcome) => outcome === 'name-uploading')).toHaveLength(19)
      const oneRoom = await Promise.all(Array.from({ length: 20 }, async (_, i) => await store.reserveUpload(upload('p0', `f${i}.bin`, 100), LIVE)))
      // p0 has 1000 bytes and 10 of them are claimed for race.bin (if it won): at most 9 or 10 fit.
      const reservedOnP0 = (await reservationsOf(store, ['p0'])).reduce((sum, r) => sum + r.size, 0)
      expect(reservedOnP0).toBeLessThanOrEqual(1000)
      expect(oneRoom.filter((outcome) => outcome === 'reserved').length).toBeGreaterThanOrEqual(9)
    })

    it('lets a name whose content no live peer holds, or that only other content is held under, be claimed again', async () => {
      const store = await open()
      await store.putPeer(peer('gone', { lastSeenAt: T0 - 100 }), [file('lost.txt')])
      await store.putPeer(peer('p1'), [file('lost.txt', SHA_B)])
      await store.putPeer(peer('p2'), [])
      // Not on the peer with other bytes under that name, though: it cannot hold two contents under one name.
      expect(await store.reserveUpload(upload('p1', 'lost.txt', 10), { seenAfter: T0 - 50 })).toBe('no-room')
      expect(await store.reserveUpload(upload('p2', 'lost.txt', 10), { seenAfter: T0 - 50 })).toBe('reserved')
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
      const byName = new Map((await reservationsOf(store, ['p1', 'p2'], T0 + 60)).map((r) => [r.name, r]))
      expect([...byName.keys()].sort()).toEqual(['copy.bin', 'elsewhere.bin', 'just-placed.bin', 'running.bin'])
      expect(byName.get('running.bin')).toMatchObject({ expiresAt: T0 + 500, started: true })
      expect(byName.get('just-placed.bin')).toMatchObject({ expiresAt: T0 + 100, started: false })
      expect(byName.get('elsewhere.bin')?.expiresAt).toBe(T0 + 100)
      // Once started, an upload the peer no longer reports is over, however recently it was placed.
      await store.renewUploadClaims('p1', ['just-placed.bin'], { at: T0 + 70, expiresAt: T0 + 500, forgetPlacedBefore: T0 })
      expect(await reservedNames(store, ['p1', 'p2'], T0 + 70)).toEqual(['copy.bin', 'elsewhere.bin', 'just-placed.bin'])
    })
  })
}
