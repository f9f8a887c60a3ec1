// The central over Redis (DIRECTORY_STORE=redis), against a real redis-server: while Redis is down every
// route that needs the store answers 503 CENTRAL_STORE_UNAVAILABLE at once, /health included; once it is
// back on the same port the same central answers 200 again; and a Redis restarted empty is filled again
// by the peers re-registering when their heartbeat is answered 404 CENTRAL_PEER_UNKNOWN.
import { describeWithRedis, redisCommand, startRedisServer, waitFor } from '@p2p/test-support'
import type { TestRedisServer } from '@p2p/test-support'
import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest'
import { buildCentralApp } from '../../src/app.js'
import { heartbeat, locate, peerBody, place, register, send, sha, TEST_CLUSTER_SECRET } from '../helpers/central-app.js'

/** Generous: a refused request takes milliseconds; this only catches one that waits on Redis. */
const AT_ONCE_MS = 3000

const FILE = { name: 'a.txt', size: 10, sha256: sha('a') }

describeWithRedis('the central over Redis', () => {
  let redis: TestRedisServer
  let app: FastifyInstance
  beforeAll(async () => { redis = await startRedisServer() })
  beforeEach(async () => {
    await redisCommand(redis.port, 'FLUSHALL')
    app = buildCentralApp({
      config: { heartbeatIntervalMs: 1000, directoryStore: { kind: 'redis', url: redis.url }, replicaId: 'replica-a' },
      clusterSecret: TEST_CLUSTER_SECRET
    })
  })
  afterEach(async () => {
    await redis.start()
    await app.close()
  })
  afterAll(async () => { await redis.close() })

  /** What a pserver does on each beat: heartbeat, and register again with its full state if unknown. */
  async function beat (peerId: string, files: Array<typeof FILE>): Promise<'renewed' | 'registered'> {
    const answer = await heartbeat(app, peerId, { freeBytes: 1000 })
    if (answer.statusCode === 200) return 'renewed'
    expect(answer.json()).toMatchObject({ statusCode: 404, error: 'CENTRAL_PEER_UNKNOWN' })
    expect((await register(app, peerBody(peerId, { files }))).statusCode).toBe(200)
    return 'registered'
  }

  it('names its store and replica in /health', async () => {
    const health = await app.inject({ method: 'GET', url: '/health' })
    expect(health.statusCode).toBe(200)
    expect(health.json()).toMatchObject({ status: 'ok', peers: 0, store: 'redis', replica: 'replica-a' })
  })

  it('answers 503 CENTRAL_STORE_UNAVAILABLE at once while Redis is down, and 200 again once it is back', async () => {
    expect((await register(app, peerBody('p1', { files: [FILE] }))).statusCode).toBe(200)
    await redis.stop()

    const requests: Array<[string, () => ReturnType<typeof send>]> = [
      ['GET /health', async () => await app.inject({ method: 'GET', url: '/health' })],
      ['GET /replication', async () => await app.inject({ method: 'GET', url: '/replication' })],
      ['GET /files', async () => await app.inject({ method: 'GET', url: '/files' })],
      ['GET /peers', async () => await app.inject({ method: 'GET', url: '/peers' })],
      ['locate', async () => await locate(app, 'a.txt')],
      ['place', async () => await place(app, { name: 'b.txt', size: 5 })],
      ['register', async () => await register(app, peerBody('p2'))],
      ['heartbeat', async () => await heartbeat(app, 'p1', { freeBytes: 900 })]
    ]
    for (const [what, request] of requests) {
      const started = Date.now()
      const response = await request()
      expect(Date.now() - started, what).toBeLessThan(AT_ONCE_MS)
      expect(response.statusCode, what).toBe(503)
      expect(response.json(), what).toEqual({ statusCode: 503, error: 'CENTRAL_STORE_UNAVAILABLE', message: expect.any(String) })
    }

    // Back on the same port, empty: the same central, never restarted, answers again by itself.
    await redis.start()
    await waitFor('GET /health to answer 200', async () => (await app.inject({ method: 'GET', url: '/health' })).statusCode === 200, 10_000)
    expect(await beat('p1', [FILE])).toBe('registered')
    expect((await locate(app, 'a.txt')).json()).toMatchObject({ name: 'a.txt', holders: [{ peerId: 'p1' }] })
  })

  it('is whole again after Redis restarts empty, from the peers registering again', async () => {
    const files: Record<string, Array<typeof FILE>> = {
      p1: [FILE, { name: 'b.txt', size: 5, sha256: sha('b') }],
      p2: [FILE],
      p3: []
    }
    for (const [peerId, held] of Object.entries(files)) expect(await beat(peerId, held)).toBe('registered')
    for (const peerId of Object.keys(files)) expect(await beat(peerId, files[peerId]!)).toBe('renewed')
    const before = (await app.inject({ method: 'GET', url: '/health' })).json<Record<string, unknown>>()
    expect(before).toMatchObject({ peers: 3, files: 2, underReplicated: 1 })

    await redis.restart()
    await waitFor('the central to reach Redis again', async () => (await app.inject({ method: 'GET', url: '/health' })).statusCode === 200, 10_000)
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toMatchObject({ peers: 0, files: 0 })

    // One heartbeat interval: every peer is told it is unknown, and registers its whole state again.
    for (const [peerId, held] of Object.entries(files)) expect(await beat(peerId, held)).toBe('registered')
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual(before)
    expect((await locate(app, 'a.txt')).json<{ holders: Array<{ peerId: string }> }>().holders.map((holder) => holder.peerId).sort()).toEqual(['p1', 'p2'])
  })
})
