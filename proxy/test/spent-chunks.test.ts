// The proxy frees each chunk of an upstream's answer once the client's socket took it, and never one
// still to be sent: a real HTTP server pipes chunks of buffers of their own (as Node's HTTP parser
// makes them) to a real client, watched as http-proxy's answers are, and every byte is compared.
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { readBodySlowly, readSlowly } from '@p2p/test-support'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { freeChunksOnceSent } from '../src/spent-chunks.js'

const CHUNK = 64 * 1024
let server: http.Server | null = null

afterEach(() => {
  server?.close()
  server = null
})

/** Chunk `n` of a body: a buffer of its own, made when the upstream sends it (so a buffer freed too early is soon reused, and overwritten, by a later chunk). */
function bodyChunk (seed: number, n: number): Buffer {
  return Buffer.allocUnsafeSlow(CHUNK).fill((seed + n) % 256)
}

/** What the client should receive, and the chunks as the upstream made them (filled in as it sends). */
function body (count: number, seed: number): { expected: string, sent: Buffer[], upstream: () => Readable } {
  const hash = createHash('sha256')
  for (let n = 0; n < count; n++) hash.update(Buffer.alloc(CHUNK, (seed + n) % 256))
  const sent: Buffer[] = []
  const upstream = (): Readable => Readable.from((function * () {
    for (let n = 0; n < count; n++) {
      const chunk = bodyChunk(seed, n)
      sent.push(chunk)
      yield chunk
    }
  })())
  return { expected: hash.digest('hex'), sent, upstream }
}

function sha256 (chunks: Buffer[]): string {
  const hash = createHash('sha256')
  for (const chunk of chunks) hash.update(chunk)
  return hash.digest('hex')
}

async function relayAndRead (count: number, source: () => Readable, delayMs: number, halfway: () => void = () => {}): Promise<Buffer> {
  server = http.createServer((_request, response) => {
    const upstream = source()
    // As in app.ts: watched first, then piped in the same turn (http-proxy's order).
    freeChunksOnceSent(upstream, response)
    upstream.pipe(response)
  })
  return await readSlowly(server, { expectedBytes: count * CHUNK, delayMs, halfway })
}

/** POSTs `source` to a server that reads it slowly; watched after the pipe, as 'proxyReq' sees a request's body. */
async function sendAndReadSlowly (count: number, source: Readable, delayMs: number, halfway: () => void): Promise<Buffer> {
  let body: Promise<Buffer> | undefined
  server = http.createServer((request, response) => {
    body = readBodySlowly(request, { expectedBytes: count * CHUNK, delayMs, halfway })
    void body.then(() => response.end(), () => response.destroy())
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  const request = http.request({ port, host: '127.0.0.1', method: 'POST' })
  const answered = once(request, 'response')
  source.pipe(request)
  freeChunksOnceSent(source, request)
  await answered
  return await body!
}

describe('freeChunksOnceSent', () => {
  it('frees every chunk once sent, and the client gets every byte', async () => {
    const { expected, sent, upstream } = body(64, 1)
    const received = await relayAndRead(64, upstream, 0)
    expect(sha256([received])).toBe(expected)
    await vi.waitFor(() => { expect(sent.filter((chunk) => chunk.buffer.byteLength !== 0)).toHaveLength(0) })
  })

  it('frees a request body\'s chunks as a slow upstream takes them, watched after the pipe, and every byte arrives', async () => {
    const { expected, sent, upstream } = body(256, 3)
    let freedHalfway = 0
    const received = await sendAndReadSlowly(256, upstream(), 1, () => { freedHalfway = sent.filter((chunk) => chunk.buffer.byteLength === 0).length })
    expect(freedHalfway).toBeGreaterThan(32)
    expect(received.length).toBe(256 * CHUNK)
    expect(sha256([received])).toBe(expected)
    await vi.waitFor(() => { expect(sent.filter((chunk) => chunk.buffer.byteLength !== 0)).toHaveLength(0) })
  })

  it('frees chunks as a slow client takes them, never one still to be sent', async () => {
    // 16 MiB to a client that pauses after each read: the server's socket stays full most of the time.
    const { expected, sent, upstream } = body(256, 7)
    let freedHalfway = 0
    const received = await relayAndRead(256, upstream, 1, () => { freedHalfway = sent.filter((chunk) => chunk.buffer.byteLength === 0).length })
    expect(freedHalfway).toBeGreaterThan(32)
    expect(received.length).toBe(256 * CHUNK)
    expect(sha256([received])).toBe(expected)
    await vi.waitFor(() => { expect(sent.filter((chunk) => chunk.buffer.byteLength !== 0)).toHaveLength(0) })
  })
})
