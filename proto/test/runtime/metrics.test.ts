import { Gauge } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { createHttpDurations, createMetricsRegistry, metricsPortSchema, startMetricsServer } from '../../src/runtime/metrics.js'
import type { MetricsServer } from '../../src/runtime/metrics.js'
import { createTransferMeter } from '../../src/runtime/transfer-metrics.js'

let server: MetricsServer | null = null
afterEach(async () => {
  await server?.close()
  server = null
})

function recordingLog (): { lines: Array<[object, string]>, log: { info: (fields: object, message: string) => void, error: (fields: object, message: string) => void } } {
  const lines: Array<[object, string]> = []
  const keep = (fields: object, message: string): void => { lines.push([fields, message]) }
  return { lines, log: { info: keep, error: keep } }
}

describe('startMetricsServer', () => {
  it("serves the registry at GET /metrics on its own port, named in a 'metrics listening' line", async () => {
    const registry = createMetricsRegistry()
    const { lines, log } = recordingLog()
    server = await startMetricsServer({ registry, host: '127.0.0.1', port: 0, log })
    expect(lines).toEqual([[{ url: server.url }, 'metrics listening']])
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

    const response = await fetch(`${server.url}/metrics`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe(registry.contentType)
    const text = await response.text()
    // The process's own metrics, under the one prefix.
    expect(text).toMatch(/^# TYPE p2p_process_cpu_seconds_total counter$/m)
    expect(text).toMatch(/^p2p_process_resident_memory_bytes \d+/m)
    const head = await fetch(`${server.url}/metrics?x=1`, { method: 'HEAD' })
    expect([head.status, await head.text()]).toEqual([200, ''])
  })

  it('answers anything else with a JSON error, and a failed collection with a 500', async () => {
    const registry = createMetricsRegistry()
    const { lines, log } = recordingLog()
    server = await startMetricsServer({ registry, host: '127.0.0.1', port: 0, log })
    const other = await fetch(`${server.url}/health`)
    expect([other.status, await other.json()]).toEqual([404, expect.objectContaining({ statusCode: 404, error: 'METRICS_NOT_FOUND' })])
    const post = await fetch(`${server.url}/metrics`, { method: 'POST' })
    expect([post.status, post.headers.get('allow'), await post.json()]).toEqual([405, 'GET, HEAD', expect.objectContaining({ error: 'METRICS_METHOD_NOT_ALLOWED' })])

    new Gauge({ name: 'p2p_broken', help: 'fails to collect', registers: [registry], collect () { throw new Error('the store is gone') } })
    const failed = await fetch(`${server.url}/metrics`)
    expect([failed.status, await failed.json()]).toEqual([500, expect.objectContaining({ error: 'METRICS_COLLECT_FAILED' })])
    expect(lines.at(-1)?.[1]).toBe('collecting the metrics failed')
  })

  it('refuses a port in use, so a service never starts without its metrics', async () => {
    const { log } = recordingLog()
    server = await startMetricsServer({ registry: createMetricsRegistry(), host: '127.0.0.1', port: 0, log })
    const port = Number(new URL(server.url).port)
    await expect(startMetricsServer({ registry: createMetricsRegistry(), host: '127.0.0.1', port, log })).rejects.toThrow(/EADDRINUSE/)
  })
})

describe('metricsPortSchema', () => {
  it('takes a port, 0 for any, the default when unset or empty, and refuses the rest', () => {
    const schema = metricsPortSchema(9464)
    expect([schema.parse(undefined), schema.parse(''), schema.parse('0'), schema.parse('9100')]).toEqual([9464, 9464, 0, 9100])
    for (const bad of ['-1', '65536', 'x', '1.5']) expect(schema.safeParse(bad).success, bad).toBe(false)
  })
})

describe('createHttpDurations', () => {
  it('labels an answer by method, route pattern and status; a request no route matched is "unmatched"', async () => {
    const registry = createMetricsRegistry()
    const observe = createHttpDurations(registry)
    observe({ method: 'GET', route: '/download/:name', status: 200, elapsedMs: 1500 })
    observe({ method: 'GET', route: undefined, status: 404, elapsedMs: 2 })
    const text = await registry.metrics()
    expect(text).toContain('p2p_http_request_duration_seconds_sum{method="GET",route="/download/:name",status="200"} 1.5')
    expect(text).toContain('p2p_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 1')
  })
})

describe('createTransferMeter', () => {
  it('counts bytes by kind and direction, shows the expected series at 0, and ends a transfer once', async () => {
    const registry = createMetricsRegistry()
    const meter = createTransferMeter(registry, [['upload', 'received']])
    expect(await registry.metrics()).toContain('p2p_transfer_bytes_total{kind="upload",direction="received"} 0')
    const end = meter.begin('upload')
    meter.moved('upload', 'received', 1000)
    meter.moved('upload', 'received', 24)
    expect(await registry.metrics()).toContain('p2p_transfers_in_progress{kind="upload"} 1')
    end()
    end()
    const text = await registry.metrics()
    expect(text).toContain('p2p_transfer_bytes_total{kind="upload",direction="received"} 1024')
    expect(text).toContain('p2p_transfers_in_progress{kind="upload"} 0')
  })
})
