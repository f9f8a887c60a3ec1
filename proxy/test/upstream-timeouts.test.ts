// An upstream that is there but says nothing: one that accepts the connection and never answers (a
// stopped process, whose connections the kernel still accepts), and one that never accepts it. The
// proxy answers 504 PROXY_UPSTREAM_TIMEOUT within its limits and cuts the upstream request, and never
// cuts an upload that is still sending.
import http from 'node:http'
import net from 'node:net'
import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { closeAll, listen, startProxy, startUpstream } from './helpers.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  await closeAll()
})

/** An upstream that accepts every connection, reads what comes, and never writes a byte. */
async function startSilentUpstream (): Promise<{ port: number, closed: Promise<void> }> {
  const open = new Set<net.Socket>()
  let sawClose: () => void = () => {}
  const closed = new Promise<void>((resolve) => { sawClose = resolve })
  const server = net.createServer((socket) => {
    open.add(socket)
    socket.resume()
    socket.on('close', () => { open.delete(socket); sawClose() })
  })
  const port = await listen(server)
  cleanups.push(() => { for (const socket of open) socket.destroy() })
  return { port, closed }
}

/**
 * A listening port whose connections are never accepted: its thread is blocked, so once the kernel's
 * accept queue is full (a backlog of 1), new connection attempts get no answer at all.
 */
async function startUnacceptingUpstream (): Promise<number> {
  const blocker = new Int32Array(new SharedArrayBuffer(4))
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads')
    const server = require('node:net').createServer()
    server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      parentPort.postMessage(server.address().port)
      Atomics.wait(workerData, 0, 0)
    })`, { eval: true, workerData: blocker })
  cleanups.push(async () => {
    Atomics.store(blocker, 0, 1)
    Atomics.notify(blocker, 0)
    await worker.terminate()
  })
  const [port] = await once(worker, 'message') as [number]
  // Fill the accept queue: connect until an attempt gets no answer.
  for (let attempt = 0; attempt < 16; attempt++) {
    const socket = net.connect(port, '127.0.0.1')
    socket.on('error', () => {})
    cleanups.push(() => { socket.destroy() })
    const connected = await Promise.race([
      once(socket, 'connect').then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 500))
    ])
    if (!connected) return port
  }
  throw new Error('the accept queue never filled')
}

async function timedFetch (url: string, init?: RequestInit): Promise<{ response: Response, body: { statusCode: number, error: string, message: string }, ms: number }> {
  const started = performance.now()
  const response = await fetch(url, init)
  const body = await response.json() as { statusCode: number, error: string, message: string }
  return { response, body, ms: performance.now() - started }
}

describe('proxy, an upstream that is there but silent', () => {
  it('answers 504 PROXY_UPSTREAM_TIMEOUT when the upstream accepts the connection and never answers, and cuts the upstream request', async () => {
    const upstream = await startSilentUpstream()
    const proxyPort = await startProxy(upstream.port, { answerTimeoutMs: 300 })
    const { response, body, ms } = await timedFetch(`http://127.0.0.1:${proxyPort}/health`)
    expect(response.status).toBe(504)
    expect(response.headers.get('content-type')).toMatch(/application\/json/)
    expect(body).toMatchObject({ statusCode: 504, error: 'PROXY_UPSTREAM_TIMEOUT' })
    expect(body.message).toContain('did not answer within 300 ms')
    // Its answer timeout, not the connection's idle timeout (30 s here).
    expect(ms).toBeLessThan(10_000)
    // The request to the upstream is cut, not left to hang.
    await upstream.closed
  })

  it('answers 504 PROXY_UPSTREAM_TIMEOUT when the upstream never accepts the connection', async () => {
    const port = await startUnacceptingUpstream()
    const proxyPort = await startProxy(port, { connectTimeoutMs: 300 })
    const { response, body, ms } = await timedFetch(`http://127.0.0.1:${proxyPort}/`)
    expect(response.status).toBe(504)
    expect(body).toMatchObject({ statusCode: 504, error: 'PROXY_UPSTREAM_TIMEOUT' })
    expect(body.message).toContain('did not accept a connection within 300 ms')
    expect(ms).toBeLessThan(10_000)
  })

  it('waits for the answer only once the request is sent: an upload slower than the answer timeout passes', async () => {
    // Answers with the byte count once the body has ended, as pclient answers an upload once stored.
    const upstreamPort = await listen(http.createServer((req, res) => {
      let bytes = 0
      req.on('data', (chunk: Buffer) => { bytes += chunk.length })
      req.on('end', () => { setTimeout(() => { res.end(JSON.stringify({ bytes })) }, 50) })
    }))
    const proxyPort = await startProxy(upstreamPort, { answerTimeoutMs: 200 })
    const piece = Buffer.alloc(16 * 1024, 1)
    const pieces = 6
    // Each piece after a pause longer than the answer timeout: the whole upload takes well over it.
    const body = new ReadableStream<Uint8Array>({
      async start (controller) {
        for (let i = 0; i < pieces; i++) {
          await new Promise((resolve) => setTimeout(resolve, 150))
          controller.enqueue(piece)
        }
        controller.close()
      }
    })
    const response = await fetch(`http://127.0.0.1:${proxyPort}/upload_file/`, {
      method: 'POST',
      body,
      headers: { 'content-length': String(piece.length * pieces) },
      duplex: 'half'
    } as RequestInit)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ bytes: piece.length * pieces })
  })

  it('passes a request with Expect: 100-continue, still bounded', async () => {
    const upstream = await startSilentUpstream()
    const proxyPort = await startProxy(upstream.port, { answerTimeoutMs: 300 })
    const outcome = await new Promise<{ status: number | undefined, body: string }>((resolve, reject) => {
      const request = http.request(`http://127.0.0.1:${proxyPort}/upload_file/`, {
        method: 'POST',
        headers: { expect: '100-continue', 'content-length': '5' }
      }, (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => { body += chunk.toString('utf8') })
        res.on('end', () => { resolve({ status: res.statusCode, body }) })
      })
      request.on('continue', () => { request.end('hello') })
      request.on('error', reject)
    })
    expect(outcome.status).toBe(504)
    expect(JSON.parse(outcome.body)).toMatchObject({ error: 'PROXY_UPSTREAM_TIMEOUT' })
  })
})

describe('proxy, a silent upstream among several', () => {
  it('sends a request that one upstream did not accept in time to the next, and leaves that one out', async () => {
    const [unaccepting, other] = [await startUnacceptingUpstream(), await startUpstream('a')]
    const proxyPort = await startProxy([unaccepting, other.port], { connectTimeoutMs: 1000 })
    for (let i = 0; i < 3; i++) {
      const { response, body, ms } = await timedFetch(`http://127.0.0.1:${proxyPort}/item/${i}`)
      expect(response.status).toBe(200)
      expect(body).toMatchObject({ name: 'a' })
      // Only the first request waited for the connection; the others went straight to the other.
      if (i > 0) expect(ms).toBeLessThan(500)
    }
    expect(other.requests).toEqual(['GET /item/0', 'GET /item/1', 'GET /item/2'])
  })

  it('answers 504 when the upstream took the request and said nothing, without sending it again, and leaves that one out', async () => {
    const [silent, other] = [await startSilentUpstream(), await startUpstream('a')]
    const proxyPort = await startProxy([silent.port, other.port], { answerTimeoutMs: 300 })
    const first = await timedFetch(`http://127.0.0.1:${proxyPort}/item/0`)
    expect(first.response.status).toBe(504)
    expect(first.body).toMatchObject({ error: 'PROXY_UPSTREAM_TIMEOUT' })
    expect(other.requests).toEqual([])
    const second = await timedFetch(`http://127.0.0.1:${proxyPort}/item/1`)
    expect(second.response.status).toBe(200)
    expect(other.requests).toEqual(['GET /item/1'])
  })
})
