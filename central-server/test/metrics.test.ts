// The central's metrics as a scrape sees them: heartbeats by outcome, peers removed by reason, every
// store operation timed, HTTP answers by route pattern and status, and the directory's sizes read from
// the store on each scrape (left out, with p2p_directory_store_up 0, while a Redis store is down).
import { silentLogger, describeWithRedis, startRedisServer } from '@p2p/test-support'
import type { TestRedisServer } from '@p2p/test-support'
import type { Registry } from 'prom-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createCentralMetrics } from '../src/metrics.js'
import { createRedisDirectoryStore } from '../src/store/redis/index.js'
import { buildTestCentral, EXPIRES_AFTER_MS, heartbeat, leave, peerBody, register, send, sha } from './helpers/central-app.js'
import type { TestCentral } from './helpers/central-app.js'

/** The value of one series (labels matched exactly; a histogram's by its _count), or undefined when the scrape does not have it. */
async function sample (registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const family = name.replace(/_count$/, '')
  const metric = registry.getSingleMetric(family)
  if (metric == null) throw new Error(`no metric ${family}`)
  const { values } = await metric.get()
  const wanted = Object.entries(labels)
  const found = values.find((value) => {
    // A histogram's samples carry their own names (_bucket, _sum, _count).
    if (family !== name && (value as { metricName?: string }).metricName !== name) return false
    const own = Object.entries(value.labels)
    return own.length === wanted.length && wanted.every(([key, expected]) => value.labels[key] === expected)
  })
  return found?.value
}

const files = (...names: string[]): Array<{ name: string, size: number, sha256: string }> => names.map((name) => ({ name, size: 10, sha256: sha('a') }))

let central: TestCentral | null = null
afterEach(async () => {
  await central?.app.close()
  central = null
})

describe('the central\'s metrics', () => {
  it('counts heartbeats by outcome and peers removed by reason, and times every store operation', async () => {
    const metrics = createCentralMetrics()
    central = buildTestCentral({ metrics })
    const { app, clock } = central
    expect((await register(app, peerBody('p1'))).statusCode).toBe(200)
    expect((await heartbeat(app, 'p1', { freeBytes: 1000 })).statusCode).toBe(200)
    expect((await heartbeat(app, 'ghost', { freeBytes: 1000 })).statusCode).toBe(404)
    const unsigned = await send(app, { method: 'PUT', url: '/peers/p1/heartbeat', payload: { freeBytes: 1000 }, signer: null })
    expect(unsigned.statusCode).toBe(401)
    const { registry } = metrics
    expect(await sample(registry, 'p2p_heartbeats_received_total', { outcome: 'accepted' })).toBe(1)
    expect(await sample(registry, 'p2p_heartbeats_received_total', { outcome: 'unknown_peer' })).toBe(1)
    expect(await sample(registry, 'p2p_heartbeats_received_total', { outcome: 'refused' })).toBe(1)

    expect((await leave(app, 'p1')).statusCode).toBe(204)
    expect((await register(app, peerBody('p2'))).statusCode).toBe(200)
    clock.advance(EXPIRES_AFTER_MS + 1)
    expect(await app.directory.sweep()).toBe(1)
    expect(await sample(registry, 'p2p_directory_peers_removed_total', { reason: 'left' })).toBe(1)
    expect(await sample(registry, 'p2p_directory_peers_removed_total', { reason: 'expired' })).toBe(1)

    const count = async (operation: string): Promise<number | undefined> =>
      await sample(registry, 'p2p_directory_store_operation_duration_seconds_count', { operation, outcome: 'ok' })
    expect(await count('putPeer')).toBe(2)
    expect(await count('removePeer')).toBe(2)
    expect(await count('updatePeer')).toBe(1)
  })

  it('times HTTP answers by route pattern and status, never by raw URL', async () => {
    const metrics = createCentralMetrics()
    central = buildTestCentral({ metrics })
    expect((await heartbeat(central.app, 'someone', { freeBytes: 1 })).statusCode).toBe(404)
    expect((await central.app.inject({ url: '/no/such/route' })).statusCode).toBe(404)
    const answered = async (method: string, route: string, status: string): Promise<number | undefined> =>
      await sample(metrics.registry, 'p2p_http_request_duration_seconds_count', { method, route, status })
    expect(await answered('PUT', '/peers/:peerId/heartbeat', '404')).toBe(1)
    expect(await answered('GET', 'unmatched', '404')).toBe(1)
  })

  it('reads the directory\'s sizes from the store on each scrape', async () => {
    const metrics = createCentralMetrics()
    central = buildTestCentral({ metrics })
    const { app } = central
    await app.ready()
    await register(app, peerBody('p1', { files: files('shared', 'own') }))
    await register(app, peerBody('p2', { files: files('shared') }))
    const gauge = async (name: string): Promise<number | undefined> => await sample(metrics.registry, name, { store: 'memory' })
    expect(await gauge('p2p_directory_peers')).toBe(2)
    expect(await gauge('p2p_directory_files')).toBe(2)
    expect(await gauge('p2p_directory_holdings')).toBe(3)
    expect(await gauge('p2p_directory_files_under_replicated')).toBe(1)
    expect(await gauge('p2p_directory_files_lost')).toBe(0)
    expect(await gauge('p2p_directory_copy_orders_in_progress')).toBe(0)
    expect(await sample(metrics.registry, 'p2p_directory_store_up')).toBe(1)

    await leave(app, 'p1')
    expect(await gauge('p2p_directory_holdings')).toBe(1)
    expect(await gauge('p2p_directory_files_lost')).toBe(1)
    // The text Prometheus reads, whole: one scrape counts the directory once for all its gauges.
    const before = await sample(metrics.registry, 'p2p_directory_store_operation_duration_seconds_count', { operation: 'countDirectory', outcome: 'ok' })
    expect(await metrics.registry.metrics()).toContain('p2p_directory_peers{store="memory"} 1')
    expect(await sample(metrics.registry, 'p2p_directory_store_operation_duration_seconds_count', { operation: 'countDirectory', outcome: 'ok' }))
      .toBe((before ?? 0) + 1)
  })
})

describeWithRedis('the central\'s metrics over a Redis store that goes down', () => {
  let redis: TestRedisServer
  beforeAll(async () => { redis = await startRedisServer() })
  afterAll(async () => { await redis.close() })

  it('leaves the directory gauges out and says the store is down, never reporting zeros', async () => {
    const metrics = createCentralMetrics()
    const store = createRedisDirectoryStore({ url: redis.url, keyPrefix: 'metrics:', log: silentLogger })
    central = buildTestCentral({ metrics, store, storeKind: 'redis' })
    await central.app.ready()
    await register(central.app, peerBody('p1', { files: files('one') }))
    expect(await sample(metrics.registry, 'p2p_directory_holdings', { store: 'redis' })).toBe(1)

    await redis.stop()
    const text = await metrics.registry.metrics()
    expect(text).toContain('p2p_directory_store_up 0')
    expect(text).not.toMatch(/^p2p_directory_(peers|files|holdings)\{/m)
    expect(await sample(metrics.registry, 'p2p_directory_store_operation_duration_seconds_count', { operation: 'countDirectory', outcome: 'error' }))
      .toBeGreaterThanOrEqual(1)
    // Process metrics are still served: the scrape itself does not fail.
    expect(text).toContain('p2p_process_cpu_seconds_total')
    // Back up before the app (and its store) closes.
    await redis.start()
  })
})
