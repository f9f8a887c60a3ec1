// The copy queue part of the contract: files short of copies, fewest first, updated as holdings and
// orders change; a heartbeat takes its orders from the queue's front in one step, each order given once,
// to the peers with the most room.
import { MAX_REPLICATIONS_PER_PEER } from '@p2p/proto'
import { describe, expect, it } from 'vitest'
import type { DirectoryStore } from '../../../src/store/directory-store.js'
import { file, LIVE, peer, reservationsOf, SHA_A, SHA_B, T0, upload } from './fixtures.js'
import type { OpenStore } from './fixtures.js'

const FACTOR = 2
const ORDER = { at: T0, seenAfter: 0, replicationFactor: FACTOR, expiresAt: T0 + 500, lookAhead: 64 }

async function take (store: DirectoryStore, peerId: string, options: Partial<typeof ORDER> = {}): Promise<string[]> {
  return (await store.takeCopyOrders(peerId, { ...ORDER, ...options })).map((order) => order.name)
}

export function describeCopyQueueContract (open: OpenStore): void {
  describe('the copy queue', () => {
    it('gives the files short of copies, fewest first then by name, up to the free copy slots', async () => {
      const store = await open()
      await store.putPeer(peer('h1', { freeBytes: 2000 }), [file('b.bin'), file('a.bin'), file('two.bin'), file('c.bin')])
      await store.putPeer(peer('h2', { freeBytes: 0 }), [file('two.bin')])
      await store.putPeer(peer('copier', { freeBytes: 900 }), [])
      const orders = await store.takeCopyOrders('copier', ORDER)
      expect(MAX_REPLICATIONS_PER_PEER).toBe(2)
      expect(orders.map((order) => order.name)).toEqual(['a.bin', 'b.bin'])
      expect(orders[0]).toEqual({ name: 'a.bin', size: 10, sha256: SHA_A, addedAt: T0, holders: [{ ...peer('h1', { freeBytes: 2000 }), announcedAt: T0 }] })
      expect(await reservationsOf(store, ['copier'])).toEqual(['a.bin', 'b.bin'].map((name) => ({
        kind: 'replica', delivered: true, peerId: 'copier', name, size: 10, sha256: SHA_A, expiresAt: T0 + 500
      })))
      // Its slots are full until an order ends.
      expect(await take(store, 'copier')).toEqual([])
      await store.removeReservation('copier', 'a.bin')
      expect(await take(store, 'copier')).toEqual(['a.bin'])
    })

    it('gives each missing copy once, even to peers asking at the same time', async () => {
      const store = await open()
      await store.putPeer(peer('holder', { freeBytes: 0 }), [file('a.bin')])
      for (const peerId of ['p1', 'p2', 'p3', 'p4']) await store.putPeer(peer(peerId, { freeBytes: 500 }), [])
      const answers = await Promise.all(['p1', 'p2', 'p3', 'p4'].map(async (peerId) => await take(store, peerId, { replicationFactor: 3 })))
      expect(answers.flat()).toEqual(['a.bin', 'a.bin'])
      expect(await take(store, 'p4', { replicationFactor: 3 })).toEqual([])
      // The factor is the caller's: with 4 the file is short again.
      expect((await take(store, 'p3', { replicationFactor: 4 })).length + (await take(store, 'p4', { replicationFactor: 4 })).length).toBe(1)
    })

    it('gives a copy only to a peer among the roomiest that could take it (holders, peers with an order or without a slot do not count)', async () => {
      const store = await open()
      await store.putPeer(peer('holder', { freeBytes: 5000 }), [file('a.bin')])
      await store.putPeer(peer('roomy', { freeBytes: 900 }), [])
      await store.putPeer(peer('tight', { freeBytes: 500 }), [])
      expect(await take(store, 'tight')).toEqual([])
      // roomy's slots fill up with other orders: it no longer counts, and tight is next in line.
      for (const name of ['x.bin', 'y.bin']) {
        await store.addReservation({ kind: 'replica', delivered: true, peerId: 'roomy', name, size: 1, sha256: SHA_B, expiresAt: T0 + 500 })
      }
      expect(await take(store, 'tight')).toEqual(['a.bin'])
    })

    it('passes over files the peer holds or has a reservation for, lacks room for, or has no live holder of', async () => {
      const store = await open()
      await store.putPeer(peer('gone', { freeBytes: 0, lastSeenAt: T0 - 100 }), [file('dead.bin')])
      await store.putPeer(peer('holder', { freeBytes: 0 }), [file('held.bin'), file('claimed.bin'), { ...file('big.bin'), size: 700 }, file('ok.bin')])
      await store.putPeer(peer('p1', { freeBytes: 600 }), [file('held.bin', SHA_B)])
      await store.addReservation(upload('p1', 'claimed.bin', 10))
      expect(await take(store, 'p1', { seenAfter: T0 - 50 })).toEqual(['ok.bin'])
    })

    it('looks no further than lookAhead queued files', async () => {
      const store = await open()
      await store.putPeer(peer('holder', { freeBytes: 0 }), [file('a.bin'), file('b.bin'), file('c.bin')])
      await store.putPeer(peer('p1', { freeBytes: 600 }), [file('a.bin', SHA_B), file('b.bin', SHA_B)])
      expect(await take(store, 'p1', { lookAhead: 2 })).toEqual([])
      expect(await take(store, 'p1', { lookAhead: 3 })).toEqual(['c.bin'])
    })

    it('follows holdings and orders: a file leaves the queue at the factor and comes back when a copy or an order goes', async () => {
      const store = await open()
      await store.putPeer(peer('holder', { freeBytes: 0 }), [file('a.bin')])
      await store.putPeer(peer('p1', { freeBytes: 600 }), [])
      await store.putPeer(peer('p2', { freeBytes: 500 }), [])
      expect(await take(store, 'p1')).toEqual(['a.bin'])
      expect(await take(store, 'p2')).toEqual([])
      // The order runs out: the file is short again, and p1 has the most room still.
      expect(await take(store, 'p1', { at: T0 + 500, expiresAt: T0 + 1000 })).toEqual(['a.bin'])
      // The copy arrives: the order is over and the file has its two copies.
      expect(await store.addHolding({ peerId: 'p1', ...file('a.bin') }, { freeBytes: 590, lastSeenAt: T0 + 500 }, LIVE)).toBe('added')
      expect(await take(store, 'p2', { at: T0 + 500 })).toEqual([])
      // A holder goes: short again (p1, a holder now, does not stand in p2's way); every holder gone:
      // lost, and not queued (there is no source).
      await store.removePeer('holder')
      expect(await take(store, 'p2', { at: T0 + 500, expiresAt: T0 + 1000 })).toEqual(['a.bin'])
      await store.removePeer('p1')
      await store.removePeer('p2')
      await store.putPeer(peer('p3', { freeBytes: 600 }), [])
      expect(await take(store, 'p3', { at: T0 + 500, expiresAt: T0 + 1000 })).toEqual([])
    })

    it('gives an unknown or expired peer nothing', async () => {
      const store = await open()
      await store.putPeer(peer('holder', { freeBytes: 0 }), [file('a.bin')])
      await store.putPeer(peer('old', { freeBytes: 600, lastSeenAt: T0 - 100 }), [])
      expect(await take(store, 'ghost')).toEqual([])
      expect(await take(store, 'old', { seenAfter: T0 - 50 })).toEqual([])
      expect(await reservationsOf(store, ['old'])).toEqual([])
    })
  })
}
