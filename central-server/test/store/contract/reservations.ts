// The ReservationStore part of the contract: room set aside on a peer, replaced per peer and name, kept
// until it runs out or its file arrives.
import { describe, expect, it } from 'vitest'
import { file, LIVE, peer, reservationsOf, reservedNames, T0 } from './fixtures.js'
import type { OpenStore } from './fixtures.js'

export function describeReservationStoreContract (open: OpenStore): void {
  describe('reservations', () => {
    it('keeps reservations until they expire, replacing one per peer and name', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [])
      await store.addReservation({ peerId: 'p1', name: 'up.bin', size: 5, expiresAt: T0 + 100, kind: 'upload', placedAt: T0, started: false })
      await store.addReservation({ peerId: 'p1', name: 'up.bin', size: 6, expiresAt: T0 + 200, kind: 'upload', placedAt: T0, started: false })
      await store.addReservation({ peerId: 'p1', name: 'other.bin', size: 7, expiresAt: T0 + 100, kind: 'upload', placedAt: T0, started: false })
      expect(await reservationsOf(store, ['p1'], T0)).toEqual([
        { peerId: 'p1', name: 'other.bin', size: 7, expiresAt: T0 + 100, kind: 'upload', placedAt: T0, started: false },
        { peerId: 'p1', name: 'up.bin', size: 6, expiresAt: T0 + 200, kind: 'upload', placedAt: T0, started: false }
      ])
      expect(await reservationsOf(store, ['p1'], T0 + 100)).toEqual([{ peerId: 'p1', name: 'up.bin', size: 6, expiresAt: T0 + 200, kind: 'upload', placedAt: T0, started: false }])
      expect(await reservationsOf(store, ['p1'], T0 + 200)).toEqual([])
    })

    it('drops a reservation when its file is announced or registered, and keeps the others', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [])
      for (const name of ['announced.bin', 'registered.bin', 'pending.bin']) {
        await store.addReservation({ peerId: 'p1', name, size: 5, expiresAt: T0 + 1000, kind: 'upload', placedAt: T0, started: false })
      }
      await store.addHolding({ peerId: 'p1', ...file('announced.bin') }, { freeBytes: 795, lastSeenAt: T0 }, LIVE)
      expect(await reservedNames(store, ['p1'])).toEqual(['pending.bin', 'registered.bin'])
      await store.putPeer(peer('p1'), [file('announced.bin'), file('registered.bin')])
      expect(await reservedNames(store, ['p1'])).toEqual(['pending.bin'])
    })

    it('removes one reservation by peer and name', async () => {
      const store = await open()
      await store.putPeer(peer('p1'), [])
      await store.addReservation({ peerId: 'p1', name: 'copy.bin', size: 5, expiresAt: T0 + 1000, kind: 'replica', sha256: 'a'.repeat(64), delivered: true })
      await store.addReservation({ peerId: 'p1', name: 'up.bin', size: 5, expiresAt: T0 + 1000, kind: 'upload', placedAt: T0, started: false })
      await store.removeReservation('p1', 'copy.bin')
      await store.removeReservation('p1', 'never.bin')
      expect(await reservationsOf(store, ['p1'])).toEqual([{ peerId: 'p1', name: 'up.bin', size: 5, expiresAt: T0 + 1000, kind: 'upload', placedAt: T0, started: false }])
    })
  })
}
