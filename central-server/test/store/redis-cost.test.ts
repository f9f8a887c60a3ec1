// Over Redis too, a request's cost does not grow with the directory: the same heartbeats (with orders
// to give and without), locate and /health over 1,000 holdings and over 20,000 (half the files short of
// a copy) make the same store calls and run the same number of Redis commands, counting those the
// scripts run (INFO commandstats), against a real redis-server. A placement reads up to PLACEMENT_CANDIDATES peers of equal room, so it is bounded
// rather than equal.
import { describeWithRedis, silentLogger, startRedisServer } from '@p2p/test-support'
import type { TestRedisServer } from '@p2p/test-support'
import { createClient } from 'redis'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { health, locate } from '../../src/directory/catalog.js'
import { createDirectoryContext } from '../../src/directory/context.js'
import type { DirectoryContext } from '../../src/directory/context.js'
import { heartbeat } from '../../src/directory/membership.js'
import { place } from '../../src/directory/placement.js'
import { createRedisDirectoryStore } from '../../src/store/redis/index.js'
import type { RedisDirectoryStore } from '../../src/store/redis/index.js'
import { SCRIPTS } from '../../src/store/redis/scripts.js'
import { createManualClock } from '../helpers/central-app.js'

const SHA = 'd'.repeat(64)
/** Each peer holds 50 files: 20 of its own with no other copy, 15 of its own copied by the next peer, and those 15 of the previous peer. */
const ALONE = 20
const COPIED = 15

interface Cost {
  storeCalls: number
  redisCommands: number
}

describeWithRedis('the cost of a request over Redis', () => {
  let redis: TestRedisServer
  let admin: ReturnType<typeof createClient>
  const opened: RedisDirectoryStore[] = []
  beforeAll(async () => {
    redis = await startRedisServer()
    admin = createClient({ url: redis.url })
    await admin.connect()
    // Loaded up front, so a script's first call (NOSCRIPT, then EVAL) does not count for one directory only.
    for (const script of Object.values(SCRIPTS)) await admin.scriptLoad(script.SCRIPT)
  })
  afterAll(async () => {
    await Promise.all(opened.map(async (store) => { await store.close() }))
    await admin.close()
    await redis.close()
  })

  /** Every command Redis has run so far, the scripts' own included, less the INFO calls that ask. */
  async function commandsRun (): Promise<number> {
    const info = await admin.info('commandstats')
    let total = 0
    for (const [, command, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      if (command !== 'info') total += Number(calls)
    }
    return total
  }

  async function directoryOf (peers: number): Promise<{ context: DirectoryContext, calls: { count: number } }> {
    const clock = createManualClock()
    const store = createRedisDirectoryStore({ url: redis.url, keyPrefix: `cost-${peers}:`, log: silentLogger })
    opened.push(store)
    expect(await store.waitUntilReady(5000)).toBe(true)
    const calls = { count: 0 }
    const counted = new Proxy(store, {
      get (target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver)
        return typeof value === 'function' ? (...args: unknown[]) => { calls.count++; return value.apply(target, args) } : value
      }
    })
    const context = createDirectoryContext({ store: counted, now: clock.now, heartbeatIntervalMs: 1000, log: { info: () => {}, warn: () => {} } })
    const file = (owner: number, index: number): { name: string, size: number, sha256: string, announcedAt: number } =>
      ({ name: `p${owner}.f${index}.bin`, size: 10, sha256: SHA, announcedAt: clock.now() })
    for (let owner = 0; owner < peers; owner++) {
      const previous = (owner + peers - 1) % peers
      const files = Array.from({ length: ALONE + COPIED }, (_, index) => file(owner, index))
      for (let index = ALONE; index < ALONE + COPIED; index++) files.push(file(previous, index))
      await store.putPeer({ peerId: `p${owner}`, grpcAddress: `p${owner}:1`, capacityBytes: 1e6, freeBytes: 1e5, activeTransfers: 0, registeredAt: clock.now(), lastSeenAt: clock.now() }, files)
    }
    await store.putPeer({ peerId: 'spare', grpcAddress: 'spare:1', capacityBytes: 1e9, freeBytes: 1e9, activeTransfers: 0, registeredAt: clock.now(), lastSeenAt: clock.now() }, [])
    return { context, calls }
  }

  async function costs (peers: number): Promise<Record<string, Cost>> {
    const { context, calls } = await directoryOf(peers)
    const measured: Record<string, Cost> = {}
    async function measure<T> (label: string, operation: () => Promise<T>): Promise<T> {
      calls.count = 0
      const before = await commandsRun()
      const result = await operation()
      measured[label] = { storeCalls: calls.count, redisCommands: await commandsRun() - before }
      return result
    }
    const beat = async (replicating: string[]): Promise<string[]> =>
      (await heartbeat(context, 'spare', { freeBytes: 1e9, activeTransfers: 0, replicating, uploading: [], deleted: [] })).replicate.map((order) => order.name)
    const ordered = await measure('heartbeat with new orders', async () => await beat([]))
    expect(ordered).toHaveLength(2)
    await measure('heartbeat while copying', async () => await beat(ordered))
    expect(await measure('heartbeat after orders failed', async () => await beat([]))).toHaveLength(2)
    // Most heartbeats: a peer among many of equal room, which looks at the whole look-ahead and takes nothing.
    await measure('heartbeat of a peer with no order', async () =>
      expect(await heartbeat(context, 'p3', { freeBytes: 1e5, activeTransfers: 0, replicating: [], uploading: [], deleted: [] })).toMatchObject({ replicate: [] }))
    await measure('locate', async () => await locate(context, 'p1.f0.bin'))
    await measure('health', async () => await health(context))
    await measure('placement', async () => await place(context, { name: 'new.bin', size: 100 }))
    return measured
  }

  it('is the same at 1,000 and at 20,000 holdings', async () => {
    const { placement: smallPlacement, ...small } = await costs(20)
    const { placement: largePlacement, ...large } = await costs(400)
    expect(large).toEqual(small)
    expect(largePlacement?.storeCalls).toBe(smallPlacement?.storeCalls)
    expect(largePlacement?.redisCommands).toBeLessThanOrEqual(400)
    for (const cost of Object.values(small)) {
      expect(cost.storeCalls).toBeLessThanOrEqual(10)
      expect(cost.redisCommands).toBeLessThanOrEqual(250)
    }
  }, 60_000)
})
