import http from 'node:http'
import net from 'node:net'
import { once } from 'node:events'
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { closeAll, closedPort, listen, startProxy } from './helpers.js'

/** An upstream that answers with what it saw: method, url, forwarded headers and the body's sha256. */
async function startEchoUpstream (): Promise<number> {
  return await listen(http.createServer((req, res) => {
    const hash = createHash('sha256')
    let bytes = 0
    req.on('data', (chunk: Buffer) => { bytes += chunk.length; hash.update(chunk) })
    req.on('end', () => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({
        method: req.method,
        url: req.url,
        forwardedFor: req.headers['x-forwarded-for'],
        forwardedProto: req.headers['x-forwarded-proto'],
        bytes,
        sha256: hash.digest('hex')
      }))
    })
  }))
}

afterEach(closeAll)

describe('proxy', () => {
  it('forwards method, path and a streamed body, and adds X-Forwarded-For/-Proto', async () => {
    const proxyPort = await startProxy(await startEchoUpstream())
    // 8 MiB generated in 64 KiB pieces, so the body is streamed, not built in one buffer.
    const piece = Buffer.alloc(64 * 1024, 7)
    const pieces = 128
    const expected = createHash('sha256')
    for (let i = 0; i < pieces; i++) expected.update(piece)
    const body = Readable.from((function * () { for (let i = 0; i < pieces; i++) yield piece })())
    const response = await fetch(`http://127.0.0.1:${proxyPort}/upload_file/?x=1%202`, {
      method: 'POST',
      body: Readable.toWeb(body) as ReadableStream,
      headers: { 'content-length': String(piece.length * pieces) },
      duplex: 'half'
    } as RequestInit)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      method: 'POST',
      url: '/upload_file/?x=1%202',
      forwardedFor: '127.0.0.1',
      forwardedProto: 'http',
      bytes: piece.length * pieces,
      sha256: expected.digest('hex')
    })
  })

  it('answers 502 with a JSON error when the upstream is down', async () => {
    const proxyPort = await startProxy(await closedPort())
    const response = await fetch(`http://127.0.0.1:${proxyPort}/`)
    expect(response.status).toBe(502)
    expect(response.headers.get('content-type')).toMatch(/application\/json/)
    expect(await response.json()).toMatchObject({ statusCode: 502, error: 'PROXY_UPSTREAM_UNREACHABLE' })
  })

  it('never forwards to a host named in the request: an absolute-form URL still reaches only the upstream', async () => {
    const upstreamPort = await startEchoUpstream()
    let otherHit = false
    const otherPort = await listen(http.createServer((_req, res) => { otherHit = true; res.end('other') }))
    const proxyPort = await startProxy(upstreamPort)
    const socket = net.connect(proxyPort, '127.0.0.1')
    socket.write(`GET http://127.0.0.1:${otherPort}/secret HTTP/1.1\r\nHost: 127.0.0.1:${otherPort}\r\nConnection: close\r\n\r\n`)
    let raw = ''
    socket.on('data', (chunk: Buffer) => { raw += chunk.toString('utf8') })
    await once(socket, 'end')
    expect(otherHit).toBe(false)
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { url: string }
    expect(body.url).toBe('/secret')
  })

  it('closes a connection whose client trickles its headers', async () => {
    const proxyPort = await startProxy(await startEchoUpstream(), { headersTimeoutMs: 500 })
    const socket = net.connect(proxyPort, '127.0.0.1')
    await once(socket, 'connect')
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n')
    // Keep sending one header line at a time, never finishing the request; bounded to 40 lines.
    let lines = 0
    const trickle = setInterval(() => {
      if (lines++ < 40 && socket.writable) socket.write(`X-Slow-${lines}: 1\r\n`, () => {})
    }, 200)
    let raw = ''
    socket.on('data', (chunk: Buffer) => { raw += chunk.toString('utf8') })
    socket.on('error', () => {})
    // Not events.once: it would reject on the EPIPE a last trickled line may meet.
    await new Promise((resolve) => socket.once('close', resolve))
    clearInterval(trickle)
    // Node answers 408 before closing; what matters is that the request never reached the upstream
    // and the connection was closed long before the 40 lines were sent.
    expect(lines).toBeLessThan(40)
    expect(raw).not.toContain('"method"')
  })
})

describe('proxy, upstream failures mid-response', () => {
  it('cuts the client off when the upstream cuts its response short', async () => {
    // An upstream that promises 1 MiB, sends 1 KiB and dies.
    const upstreamPort = await listen(http.createServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(1024 * 1024) })
      res.write(Buffer.alloc(1024))
      setTimeout(() => res.destroy(), 50)
    }))
    const proxyPort = await startProxy(upstreamPort)
    const outcome = await new Promise<{ bytes: number, error: boolean }>((resolve) => {
      http.get(`http://127.0.0.1:${proxyPort}/`, (res) => {
        let bytes = 0
        res.on('data', (chunk: Buffer) => { bytes += chunk.length })
        res.on('error', () => { resolve({ bytes, error: true }) })
        res.on('aborted', () => { resolve({ bytes, error: true }) })
        res.on('end', () => { resolve({ bytes, error: false }) })
      })
    })
    expect(outcome).toEqual({ bytes: 1024, error: true })
  })
})
