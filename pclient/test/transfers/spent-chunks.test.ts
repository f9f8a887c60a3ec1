// The releaser frees a chunk's memory only once the HTTP response has certainly written it, and only a
// chunk marked as the sole view of its buffer and still spanning it. A real HTTP server and client on
// loopback: a chunk freed too early would reach the client as nothing, so every test compares the
// bytes received with the bytes sent.
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { pipeline, Readable } from 'node:stream'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createPieceVerifier } from '../../src/transfers/piece-verifier.js'
import { markSoleView } from '@p2p/proto/runtime'
import { readSlowly } from '@p2p/test-support'
import { createChunkReleaser, sendFreeingChunks } from '../../src/transfers/spent-chunks.js'
import { pieceHashes, sha256Hex } from '../helpers/fake-peer.js'

const CHUNK = 256 * 1024
let server: http.Server | null = null

afterEach(async () => {
  server?.close()
  server = null
})

/** A buffer of its own, like a gRPC message's (a few header bytes, then the data), and the data's view of it. */
function message (seed: number, framing = 9): Buffer {
  const whole = Buffer.allocUnsafeSlow(CHUNK + framing)
  for (let at = 0; at < whole.length; at += 4) whole.writeUInt32LE((seed * 2654435761 + at) >>> 0, Math.min(at, whole.length - 4))
  return whole.subarray(framing)
}

function sha256 (chunks: Buffer[]): string {
  const hash = createHash('sha256')
  for (const chunk of chunks) hash.update(chunk)
  return hash.digest('hex')
}

/** Serves `source`'s chunks through a releaser; resolves with the bytes a client read, slowly if `delayMs`. */
async function serveAndRead (chunks: Buffer[], delayMs = 0, source: () => Readable = () => Readable.from(chunks), halfway: () => void = () => {}): Promise<Buffer> {
  server = http.createServer((_request, response) => {
    const releaser = createChunkReleaser(response)
    pipeline(source(), releaser, () => {})
    releaser.pipe(response)
  })
  return await readSlowly(server, { expectedBytes: chunks.reduce((sum, chunk) => sum + chunk.length, 0), delayMs, halfway })
}

describe('createChunkReleaser', () => {
  it('frees every marked chunk once written, and the client gets every byte', async () => {
    const chunks = Array.from({ length: 16 }, (_, n) => message(n))
    const expected = sha256(chunks)
    for (const chunk of chunks) markSoleView(chunk)

    const received = await serveAndRead(chunks)

    expect(received.length).toBe(16 * CHUNK)
    expect(sha256([received])).toBe(expected)
    // Detached: the buffers were given back, not left to the garbage collector (the last ones once
    // the server's response finished, which may come just after the client read the end).
    await vi.waitFor(() => { expect(chunks.filter((chunk) => chunk.buffer.byteLength !== 0)).toHaveLength(0) })
  })

  it('frees each chunk once a slow reader\'s socket took it, not before: the bytes arrive intact while the socket is full', async () => {
    // 16 MiB read a 64 KiB read at a time with a pause after each: the server's socket backs up, so
    // writableLength stays above 0 for most of the transfer.
    const chunks = Array.from({ length: 64 }, (_, n) => message(n + 100))
    const expected = sha256(chunks)
    for (const chunk of chunks) markSoleView(chunk)

    let freedHalfway = 0
    const received = await serveAndRead(chunks, 1, undefined, () => { freedHalfway = chunks.filter((chunk) => chunk.buffer.byteLength === 0).length })

    // Freed as the socket took them, not held until the end (the kernel's socket buffers hold several
    // MiB more than the client has read, so more than half may be out by then).
    expect(freedHalfway).toBeGreaterThan(8)
    expect(received.length).toBe(64 * CHUNK)
    expect(sha256([received])).toBe(expected)
    await vi.waitFor(() => { expect(chunks.filter((chunk) => chunk.buffer.byteLength !== 0)).toHaveLength(0) })
  })

  it('leaves alone a chunk not marked, a part of a marked buffer, and a buffer shared with more than framing', async () => {
    const unmarked = message(1)
    const marked = message(2)
    const firstHalf = marked.subarray(0, CHUNK / 2)
    const secondHalf = marked.subarray(CHUNK / 2)
    // Marking a view that leaves out more than a message's framing marks nothing.
    const shared = message(3, 4096)
    markSoleView(marked)
    markSoleView(shared)
    const chunks = [unmarked, firstHalf, secondHalf, shared]
    const expected = sha256(chunks)

    const received = await serveAndRead(chunks)

    expect(sha256([received])).toBe(expected)
    expect(unmarked.buffer.byteLength).toBe(CHUNK + 9)
    expect(marked.buffer.byteLength).toBe(CHUNK + 9)
    expect(shared.buffer.byteLength).toBe(CHUNK + 4096)
  })

  it('frees what the piece verifier handed on: each Download message\'s data is marked as it comes in', async () => {
    // Four pieces of two messages each, every message in a buffer of its own as grpc-js makes them.
    const sent = Array.from({ length: 8 }, (_, n) => message(n + 200))
    const content = Buffer.concat(sent)
    const map = { name: 'f.bin', size: content.length, sha256: sha256Hex(content), pieceSize: 2 * CHUNK, pieceHashes: pieceHashes(content, 2 * CHUNK), vouched: false }
    const verified = (): Readable => Readable.from(sent.map((data) => ({ data }))).pipe(createPieceVerifier({ map, pieces: { first: 0, end: 4 }, peerId: 'peer-x' }))

    const received = await serveAndRead(sent, 0, verified)

    expect(received.equals(content)).toBe(true)
    await vi.waitFor(() => { expect(sent.filter((chunk) => chunk.buffer.byteLength !== 0)).toHaveLength(0) })
  })

  it('ends the response as cut off when the download stops short without an error, never as complete', async () => {
    const sent = message(300)
    server = http.createServer((_request, response) => {
      response.setHeader('content-length', String(4 * sent.length))
      const body = new Readable({ read () {} })
      body.push(sent)
      setTimeout(() => { body.destroy() }, 50)
      // As Fastify sends a stream: an error of it destroys the response.
      pipeline(sendFreeingChunks(body, response), response, () => {})
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as AddressInfo
    const outcome = await new Promise<string>((resolve) => {
      http.get({ host: '127.0.0.1', port }, (response) => {
        response.on('data', () => {})
        response.once('end', () => { resolve('complete') })
        response.once('error', () => { resolve('cut off') })
        response.once('aborted', () => { resolve('cut off') })
      }).once('error', () => { resolve('cut off') })
    })
    expect(outcome).toBe('cut off')
  })
})
