// The Redis store with Redis in trouble, against a real redis-server: stopped, every call fails at once
// with StoreUnavailableError, the outage is logged once (not at every reconnection attempt), and the
// store works again by itself once Redis is back; hung (paused), a call gives up after its timeout.
import { captureLogger, describeWithRedis, startRedisServer, waitFor } from '@p2p/test-support'
import type { TestRedisServer } from '@p2p/test-support'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import { StoreUnavailableError } from '../../src/errors.js'
import type { DirectoryStore, PeerRecord } from '../../src/store/directory-store.js'
import { createRedisDirectoryStore } from '../../src/store/redis/index.js'
import type { RedisDirectoryStore } from '../../src/store/redis/index.js'

const T0 = Date.UTC(2026, 0, 1)
const PEER: PeerRecord = { peerId: 'p1', grpcAddress: 'p1.example:50051', capacityBytes: 1000, freeBytes: 800, activeTransfers: 0, registeredAt: T0, lastSeenAt: T0 }
/** Far above what a refused call takes (a few ms), far below a hang. */
const FAST_MS = 1000

/** Calls of each kind: scripts that write and that read, plain commands. */
const CALLS: Array<[string, (store: DirectoryStore) => Promise<unknown>]> = [
  ['putPeer', async (store) => { await store.putPeer(PEER, []) }],
  ['getPeer', async (store) => await store.getPeer('p1')],
  ['listPeerIdsNotSeenAfter', async (store) => await store.listPeerIdsNotSeenAfter(T0)],
  ['pagePeers', async (store) => await pagePeers(store)],
  ['reserveUpload', async (store) => await store.reserveUpload({ kind: 'upload', peerId: 'p1', name: 'a', size: 1, placedAt: T0, started: false, expiresAt: T0 + 1 }, { seenAfter: 0 })],
  ['takeCopyOrders', async (store) => await store.takeCopyOrders('p1', { at: T0, seenAfter: 0, replicationFactor: 2, expiresAt: T0 + 1, lookAhead: 64 })],
  ['countDirectory', async (store) => await store.countDirectory({ at: T0, seenAfter: 0, replicationFactor: 2 })]
]

async function pagePeers (store: DirectoryStore): Promise<unknown[]> {
  return await store.pagePeers({ seenAfter: 0, limit: 10 })
}

async function failsFast (call: () => Promise<unknown>): Promise<unknown> {
  const started = Date.now()
  const err = await call().then(() => null, (error: unknown) => error)
  expect(Date.now() - started).toBeLessThan(FAST_MS)
  return err
}

describeWithRedis('the Redis store when Redis is in trouble', () => {
  let redis: TestRedisServer
  let store: RedisDirectoryStore | null = null
  beforeAll(async () => { redis = await startRedisServer() })
  afterEach(async () => {
    redis.resume()
    await redis.start()
    await store?.close()
    store = null
  })
  afterAll(async () => { await redis.close() })

  it('fails every call at once while Redis is down, logs the outage once, and recovers by itself', async () => {
    const { logger, lines } = captureLogger()
    store = createRedisDirectoryStore({ url: redis.url, keyPrefix: 'outage:', log: logger })
    expect(await store.waitUntilReady(5000)).toBe(true)
    await store.putPeer(PEER, [])

    await redis.stop()
    for (const [name, call] of CALLS) {
      const current = store
      expect(await failsFast(async () => await call(current)), name).toBeInstanceOf(StoreUnavailableError)
    }
    // Several reconnection attempts go by, and refused calls with them: still one line for the outage.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    for (const [, call] of CALLS) await call(store).catch(() => {})
    expect(lines.filter((line) => line.level === 50)).toHaveLength(1)
    expect(lines[0]).toMatchObject({ msg: expect.stringContaining('Redis cannot be reached'), redis: `127.0.0.1:${redis.port}` })

    // Back on the same port (and empty): the same store answers again, no restart of anything.
    await redis.start()
    const current = store
    await waitFor('the store to answer again', async () => await current.getPeer('p1').then(() => true, () => false), 5000)
    await store.putPeer(PEER, [])
    expect(await store.getPeer('p1')).toEqual(PEER)
    expect(lines.filter((line) => line.msg === 'Redis reachable again')).toHaveLength(1)
    expect(lines.filter((line) => line.level === 50)).toHaveLength(1)
  })

  it('never logs the URL, which may carry a password', async () => {
    const { logger, lines } = captureLogger()
    // This server has no password, so the AUTH the URL asks for fails: the connection counts as down.
    store = createRedisDirectoryStore({ url: `redis://:not-the-password@127.0.0.1:${redis.port}`, keyPrefix: 'outage:', log: logger })
    await waitFor('the failure to be logged', () => lines.length > 0, 5000)
    expect(lines[0]).toMatchObject({ redis: `127.0.0.1:${redis.port}` })
    expect(JSON.stringify(lines)).not.toContain('not-the-password')
  })

  it('fails at once when Redis was never reachable, and starts working when it comes up', async () => {
    await redis.stop()
    store = createRedisDirectoryStore({ url: redis.url, keyPrefix: 'outage:', log: captureLogger().logger })
    expect(await store.waitUntilReady(200)).toBe(false)
    const current = store
    expect(await failsFast(async () => await pagePeers(current))).toBeInstanceOf(StoreUnavailableError)
    await redis.start()
    expect(await store.waitUntilReady(5000)).toBe(true)
    expect(await pagePeers(store)).toEqual([])
  })

  it('gives a call up after its timeout when Redis hangs, and answers again once it resumes', async () => {
    store = createRedisDirectoryStore({ url: redis.url, keyPrefix: 'outage:', log: captureLogger().logger, callTimeoutMs: 300 })
    expect(await store.waitUntilReady(5000)).toBe(true)
    redis.pause()
    const started = Date.now()
    const current = store
    await expect(pagePeers(current)).rejects.toBeInstanceOf(StoreUnavailableError)
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect(Date.now() - started).toBeLessThan(FAST_MS)
    redis.resume()
    await waitFor('the store to answer again', async () => await pagePeers(current).then(() => true, () => false), 5000)
  })

  it('closes at once even while Redis is down', async () => {
    store = createRedisDirectoryStore({ url: redis.url, keyPrefix: 'outage:', log: captureLogger().logger })
    expect(await store.waitUntilReady(5000)).toBe(true)
    await redis.stop()
    const started = Date.now()
    await store.close()
    expect(Date.now() - started).toBeLessThan(FAST_MS)
    store = null
  })
})
