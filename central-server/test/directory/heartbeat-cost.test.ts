// A heartbeat's cost does not grow with the directory, nor do a locate's or /health's: the same
// operations over a directory of 1,000 holdings and one of 20,000 (each with half its files short of a
// copy) make the same store calls and get the same number of records back (a placement, a bounded
// number). Counted, not timed: timings belong to the benchmark.
import { describe, expect, it } from 'vitest'
import { health, locate } from '../../src/directory/catalog.js'
import { createDirectoryContext } from '../../src/directory/context.js'
import type { DirectoryContext } from '../../src/directory/context.js'
import { heartbeat } from '../../src/directory/membership.js'
import { place, PLACEMENT_CANDIDATES } from '../../src/directory/placement.js'
import type { DirectoryStore } from '../../src/store/directory-store.js'
import { createMemoryDirectoryStore } from '../../src/store/memory/index.js'
import { createManualClock } from '../helpers/central-app.js'

/** Each peer holds 100 files: 34 of its own with no other copy, 33 of its own copied on the next peer, and those 33 of the previous peer. */
const OWN_SHORT = 34
const OWN_COPIED = 33
const SHA = 'c'.repeat(64)

interface Tally {
  calls: number
  records: number
}

/** Records in a store's answer: each object counts one, a file its holders too, a list its entries. */
function recordsIn (value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, entry) => sum + recordsIn(entry), 0)
  if (value == null || typeof value !== 'object') return 0
  const inner = Object.values(value).filter((field) => Array.isArray(field))
  return 1 + inner.reduce((sum: number, list) => sum + recordsIn(list), 0)
}

/** The store, with every call and every record it answers counted. */
function counted (store: DirectoryStore): { store: DirectoryStore, tally: Tally } {
  const tally: Tally = { calls: 0, records: 0 }
  const proxy = new Proxy(store, {
    get (target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      return async (...args: unknown[]) => {
        tally.calls++
        const answer: unknown = await value.apply(target, args)
        tally.records += recordsIn(answer)
        return answer
      }
    }
  })
  return { store: proxy, tally }
}

async function directoryOf (peers: number): Promise<{ context: DirectoryContext, tally: Tally, holdings: number }> {
  const clock = createManualClock()
  const { store, tally } = counted(createMemoryDirectoryStore())
  const context = createDirectoryContext({ store, now: clock.now, heartbeatIntervalMs: 1000, log: { info: () => {}, warn: () => {} } })
  const fileOf = (peer: number, index: number): { name: string, size: number, sha256: string, announcedAt: number } =>
    ({ name: `p${peer}-f${index}.bin`, size: 10, sha256: SHA, announcedAt: clock.now() })
  let holdings = 0
  for (let peer = 0; peer < peers; peer++) {
    const previous = (peer + peers - 1) % peers
    const files = [
      ...Array.from({ length: OWN_SHORT + OWN_COPIED }, (_, index) => fileOf(peer, index)),
      ...Array.from({ length: OWN_COPIED }, (_, index) => fileOf(previous, OWN_SHORT + index))
    ]
    holdings += files.length
    await context.store.putPeer({ peerId: `p${peer}`, grpcAddress: `p${peer}:1`, capacityBytes: 1e6, freeBytes: 1e5, activeTransfers: 0, registeredAt: clock.now(), lastSeenAt: clock.now() }, files)
  }
  // The peer that heartbeats has the most room, so the short files' copies are its to make.
  await context.store.putPeer({ peerId: 'spare', grpcAddress: 'spare:1', capacityBytes: 1e9, freeBytes: 1e9, activeTransfers: 0, registeredAt: clock.now(), lastSeenAt: clock.now() }, [])
  tally.calls = 0
  tally.records = 0
  return { context, tally, holdings }
}

/** What each operation cost, in store calls and records answered. */
async function costs (context: DirectoryContext, tally: Tally): Promise<Record<string, Tally & { orders?: number }>> {
  const measured: Record<string, Tally & { orders?: number }> = {}
  async function measure<T> (label: string, operation: () => Promise<T>): Promise<T> {
    tally.calls = 0
    tally.records = 0
    const result = await operation()
    measured[label] = { ...tally }
    return result
  }
  const beat = async (replicating: string[]): Promise<string[]> =>
    (await heartbeat(context, 'spare', { freeBytes: 1e9, activeTransfers: 0, replicating, uploading: [], deleted: [] })).replicate.map((order) => order.name)
  const first = await measure('heartbeat with new orders', async () => await beat([]))
  measured['heartbeat with new orders']!.orders = first.length
  await measure('heartbeat while copying', async () => await beat(first))
  const again = await measure('heartbeat after orders failed', async () => await beat([]))
  measured['heartbeat after orders failed']!.orders = again.length
  await measure('placement', async () => await place(context, { name: 'new.bin', size: 100 }))
  await measure('locate', async () => await locate(context, 'p1-f0.bin'))
  await measure('health', async () => await health(context))
  return measured
}

describe('cost per request', () => {
  it('is the same at 1,000 and at 20,000 holdings, half the files short of a copy', async () => {
    const small = await directoryOf(10)
    const large = await directoryOf(200)
    expect([small.holdings, large.holdings]).toEqual([1000, 20_000])
    const smallCosts = await costs(small.context, small.tally)
    const largeCosts = await costs(large.context, large.tally)
    expect(smallCosts['heartbeat with new orders']).toMatchObject({ orders: 2 })
    expect(smallCosts['heartbeat after orders failed']).toMatchObject({ orders: 2 })
    // A placement weighs up to PLACEMENT_CANDIDATES peers of equal room, however many peers there are.
    const { placement: smallPlacement, ...smallRest } = smallCosts
    const { placement: largePlacement, ...largeRest } = largeCosts
    expect(largeRest).toEqual(smallRest)
    expect(largePlacement?.calls).toBe(smallPlacement?.calls)
    expect(largePlacement?.records).toBeLessThanOrEqual(PLACEMENT_CANDIDATES)
    // And small in itself: a handful of store calls, a few records each.
    for (const cost of Object.values(smallRest)) {
      expect(cost.calls).toBeLessThanOrEqual(10)
      expect(cost.records).toBeLessThanOrEqual(20)
    }
  })
})
