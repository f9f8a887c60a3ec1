// The placement part of the contract: the live peers with the most unreserved room, read from an index
// kept as free space and reservations change, not from a walk of every peer.
import { describe, expect, it } from 'vitest'
import type { DirectoryStore } from '../../../src/store/directory-store.js'
import { file, LIVE, peer, SHA_B, T0, upload } from './fixtures.js'
import type { OpenStore } from './fixtures.js'

async function roomiest (store: DirectoryStore, options: { at?: number, seenAfter?: number, name?: string, limit?: number } = {}): Promise<Array<[string, number]>> {
  const found = await store.listRoomiestPeers({ at: options.at ?? T0, seenAfter: options.seenAfter ?? 0, exceptHoldersOf: options.name ?? 'new.bin', limit: options.limit ?? 10 })
  return found.map(({ peer, room }) => [peer.peerId, room])
}

export function describePlacementContract (open: OpenStore): void {
  describe('placement candidates', () => {
    it('answers live peers by unreserved room, most first, ties by peer id, up to the limit', async () => {
      const store = await open()
      for (const [peerId, freeBytes] of [['c', 500], ['a', 500], ['big', 900], ['small', 100]] as const) await store.putPeer(peer(peerId, { freeBytes }), [])
      await store.putPeer(peer('old', { freeBytes: 5000, lastSeenAt: T0 - 100 }), [])
      expect(await roomiest(store, { seenAfter: T0 - 50 })).toEqual([['big', 900], ['a', 500], ['c', 500], ['small', 100]])
      expect(await roomiest(store, { seenAfter: T0 - 50, limit: 2 })).toEqual([['big', 900], ['a', 500]])
      const [first] = await store.listRoomiestPeers({ at: T0, seenAfter: 0, exceptHoldersOf: 'x', limit: 1 })
      expect(first?.peer).toEqual(peer('old', { freeBytes: 5000, lastSeenAt: T0 - 100 }))
    })

    it('takes running reservations off the room, and gives it back when they end, run out or are fulfilled', async () => {
      const store = await open()
      await store.putPeer(peer('a', { freeBytes: 500 }), [])
      await store.putPeer(peer('b', { freeBytes: 400 }), [])
      expect(await store.reserveUpload(upload('a', 'up.bin', 200, T0 + 100), LIVE)).toBe('reserved')
      await store.addReservation({ kind: 'replica', delivered: true, peerId: 'b', name: 'copy.bin', size: 50, sha256: SHA_B, expiresAt: T0 + 1000 })
      expect(await roomiest(store)).toEqual([['b', 350], ['a', 300]])
      // Run out at `at`.
      expect(await roomiest(store, { at: T0 + 100 })).toEqual([['a', 500], ['b', 350]])
      await store.removeReservation('b', 'copy.bin')
      expect(await roomiest(store, { at: T0 + 100 })).toEqual([['a', 500], ['b', 400]])
      // A new free space reported, by a heartbeat or an announce (which also fulfils the reservation).
      await store.addReservation(upload('b', 'next.bin', 100, T0 + 1000))
      await store.updatePeer('a', { freeBytes: 250, activeTransfers: 0, lastSeenAt: T0 + 100 })
      expect(await roomiest(store, { at: T0 + 100 })).toEqual([['b', 300], ['a', 250]])
      await store.addHolding({ peerId: 'b', ...file('next.bin') }, { freeBytes: 290, lastSeenAt: T0 + 100 }, LIVE)
      expect(await roomiest(store, { at: T0 + 100 })).toEqual([['b', 290], ['a', 250]])
      await store.removePeer('b')
      expect(await roomiest(store, { at: T0 + 100 })).toEqual([['a', 250]])
    })

    it('passes over peers holding the name, whatever its content', async () => {
      const store = await open()
      await store.putPeer(peer('a', { freeBytes: 900 }), [file('doc.txt')])
      await store.putPeer(peer('b', { freeBytes: 800 }), [file('doc.txt', SHA_B)])
      await store.putPeer(peer('c', { freeBytes: 100 }), [])
      expect(await roomiest(store, { name: 'doc.txt' })).toEqual([['c', 100]])
      expect(await roomiest(store, { name: 'other.txt' })).toEqual([['a', 900], ['b', 800], ['c', 100]])
    })
  })
}
