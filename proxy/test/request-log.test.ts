// Request ids at the proxy, over real loopback HTTP: each request gets a new id, sent upstream and back
// to the client in x-request-id and on its one log line; a client's id is kept only when the proxy
// trusts its callers, and then only if well formed. Once the proxy is closing, a request that still
// arrives on an open connection is answered 503 PROXY_CLOSING while the one in flight finishes.
import http from 'node:http'
import net from 'node:net'
import { once } from 'node:events'
import { captureLogger } from '@p2p/test-support'
import { afterEach, describe, expect, it } from 'vitest'
import { createProxyServer } from '../src/app.js'
import { closeAll, listen, startProxy } from './helpers.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** An upstream that answers each request with the x-request-id it received; /slow only when released. */
async function startIdEchoUpstream (): Promise<{ port: number, seen: string[], slowArrived: Promise<void>, releaseSlow: () => void }> {
  const seen: string[] = []
  let release = (): void => {}
  let arrived = (): void => {}
  const slowArrived = new Promise<void>((resolve) => { arrived = resolve })
  const server = http.createServer((req, res) => {
    seen.push(String(req.headers['x-request-id']))
    const answer = (): void => { res.end(JSON.stringify({ requestId: req.headers['x-request-id'] })) }
    if (req.url !== '/slow') { answer(); return }
    release = answer
    arrived()
  })
  return { port: await listen(server), seen, slowArrived, releaseSlow: () => { release() } }
}

afterEach(closeAll)

describe('request ids at the proxy', () => {
  it('gives each request a new id, sent upstream, answered in x-request-id and logged with the request', async () => {
    const upstream = await startIdEchoUpstream()
    const { logger, lines } = captureLogger()
    const proxyPort = await startProxy(upstream.port, { logger })
    const response = await fetch(`http://127.0.0.1:${proxyPort}/download/a.txt`, { headers: { 'x-request-id': 'chosen-by-client' } })
    const id = response.headers.get('x-request-id')
    expect(id).toMatch(UUID)
    expect(await response.json()).toEqual({ requestId: id })
    const second = await fetch(`http://127.0.0.1:${proxyPort}/`)
    await second.body?.cancel()
    expect(second.headers.get('x-request-id')).not.toBe(id)
    await expect.poll(() => lines.find((line) => line.reqId === id)).toMatchObject({
      msg: 'request completed', method: 'GET', url: '/download/a.txt', statusCode: 200
    })
  })

  it('keeps a well-formed client id when it trusts its callers, and replaces any other', async () => {
    const upstream = await startIdEchoUpstream()
    const proxyPort = await startProxy(upstream.port, { trustRequestId: true })
    const kept = await fetch(`http://127.0.0.1:${proxyPort}/`, { headers: { 'x-request-id': 'lb-0f1e2d3c:1' } })
    expect(kept.headers.get('x-request-id')).toBe('lb-0f1e2d3c:1')
    expect(await kept.json()).toEqual({ requestId: 'lb-0f1e2d3c:1' })
    for (const bad of ['has space', '{"json":1}', 'x'.repeat(129)]) {
      const replaced = await fetch(`http://127.0.0.1:${proxyPort}/`, { headers: { 'x-request-id': bad } })
      expect(replaced.headers.get('x-request-id')).toMatch(UUID)
      expect(await replaced.json()).toEqual({ requestId: replaced.headers.get('x-request-id') })
    }
    expect(upstream.seen.some((id) => id.includes(' ') || id.includes('{'))).toBe(false)
  })

  it('answers a request that arrives on an open connection after closing began 503 PROXY_CLOSING, and finishes the one in flight', async () => {
    const upstream = await startIdEchoUpstream()
    const proxy = createProxyServer({
      upstreamUrls: [`http://127.0.0.1:${upstream.port}`], probeIntervalMs: 1_000, idleTimeoutMs: 30_000, headersTimeoutMs: 20_000,
      connectTimeoutMs: 5_000, answerTimeoutMs: 30_000, logger: captureLogger().logger
    })
    const proxyPort = await listen(proxy)
    // One kept-alive connection: its next request is sent once the first is answered, after closing began.
    const socket = net.connect(proxyPort, '127.0.0.1')
    await once(socket, 'connect')
    let received = ''
    socket.setEncoding('utf8')
    const firstAnswered = new Promise<void>((resolve) => {
      socket.on('data', (chunk: string) => {
        received += chunk
        if (received.includes('}')) resolve()
      })
    })
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n')
    await upstream.slowArrived
    proxy.close()
    upstream.releaseSlow()
    await firstAnswered
    socket.write('GET /after HTTP/1.1\r\nHost: x\r\n\r\n')
    await once(socket, 'close')
    const [first, second] = received.split(/(?=HTTP\/1\.1 )/)
    expect(first).toMatch(/^HTTP\/1\.1 200 /)
    expect(second).toMatch(/^HTTP\/1\.1 503 /)
    expect(second).toMatch(/connection: close/i)
    expect(second).toContain('"error":"PROXY_CLOSING"')
    expect(upstream.seen).toHaveLength(1)
  })
})
