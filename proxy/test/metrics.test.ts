// The proxy never forwards /metrics (each service serves its metrics on a port of its own, which the
// public port must not reach), and counts the requests an upstream failed.
import { afterEach, describe, expect, it } from 'vitest'
import { createProxyMetrics } from '../src/metrics.js'
import { closeAll, closedPort, startProxy, startUpstream } from './helpers.js'

afterEach(closeAll)

describe('the proxy and /metrics', () => {
  it('answers /metrics and everything under it 404 itself, and forwards the rest', async () => {
    const upstream = await startUpstream('pclient')
    const proxyPort = await startProxy(upstream.port)
    for (const path of ['/metrics', '/metrics?name[]=up', '/metrics/', '/metrics/anything']) {
      for (const method of ['GET', 'HEAD', 'POST']) {
        const response = await fetch(`http://127.0.0.1:${proxyPort}${path}`, { method })
        expect(response.status, `${method} ${path}`).toBe(404)
        expect(response.headers.get('content-type')).toMatch(/application\/json/)
        if (method !== 'HEAD') expect(await response.json()).toMatchObject({ statusCode: 404, error: 'PROXY_NOT_FOUND' })
      }
    }
    expect(upstream.requests).toEqual([])

    // Only that path: a name that merely starts with it is the upstream's.
    for (const path of ['/metricsfile.txt', '/download/metrics']) {
      expect((await fetch(`http://127.0.0.1:${proxyPort}${path}`)).status).toBe(200)
    }
    expect(upstream.requests).toEqual(['GET /metricsfile.txt', 'GET /download/metrics'])
  })

  it('counts the requests an upstream failed: sent on to another, or answered with an error', async () => {
    const metrics = createProxyMetrics()
    const live = await startUpstream('central-1')
    const proxyPort = await startProxy([await closedPort(), live.port], { onUpstreamFailure: metrics.upstreamFailed })
    // Round robin: the closed one comes first; the refused connection goes on to the live one.
    expect((await fetch(`http://127.0.0.1:${proxyPort}/health`)).status).toBe(200)
    const lonely = await startProxy(await closedPort(), { onUpstreamFailure: metrics.upstreamFailed })
    expect((await fetch(`http://127.0.0.1:${lonely}/files`)).status).toBe(502)
    const text = await metrics.registry.metrics()
    expect(text).toContain('p2p_proxy_upstream_failures_total{outcome="retried"} 1')
    expect(text).toContain('p2p_proxy_upstream_failures_total{outcome="answered_error"} 1')
  })
})
