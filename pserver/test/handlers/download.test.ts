import { createHash, randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { status } from '@grpc/grpc-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHUNK_BYTES, grpcChannelOptions, SEND_RATE_METADATA_KEY } from '@p2p/proto'
import { QUEUED_BYTES } from '../../src/handlers/download.js'
import { READ_BYTES } from '../../src/store/disk-file-store.js'
import type { FileChunk__Output } from '@p2p/proto'
import { download, downloadError, errorCode, sha256, startTestPeer, waitFor } from '../helpers.js'
import type { TestPeer } from '../helpers.js'

const BIG = randomBytes(3 * CHUNK_BYTES + 12_345)

describe('Download', () => {
  let t: TestPeer
  beforeAll(async () => {
    t = await startTestPeer({ files: { 'hello.txt': 'hello world', 'big.bin': BIG, 'empty.txt': '' } })
  })
  afterAll(async () => { await t.close() })

  it('sends a whole file byte-exact, by name and by sha256', async () => {
    expect((await download(t.client, { name: 'hello.txt' })).toString()).toBe('hello world')
    expect((await download(t.client, { name: 'big.bin' })).equals(BIG)).toBe(true)
    expect((await download(t.client, { sha256: sha256(BIG) })).equals(BIG)).toBe(true)
    expect((await download(t.client, { name: 'big.bin', sha256: sha256(BIG) })).equals(BIG)).toBe(true)
  })

  it('sends byte ranges exactly, across chunk boundaries', async () => {
    expect((await download(t.client, { name: 'hello.txt', offset: 6 })).toString()).toBe('world')
    expect((await download(t.client, { name: 'hello.txt', offset: 2, length: 3 })).toString()).toBe('llo')
    expect((await download(t.client, { name: 'hello.txt', offset: 10, length: 1 })).toString()).toBe('d')
    const start = CHUNK_BYTES - 100
    const range = await download(t.client, { name: 'big.bin', offset: start, length: CHUNK_BYTES + 200 })
    expect(range.equals(BIG.subarray(start, start + CHUNK_BYTES + 200))).toBe(true)
  })

  it('answers an empty range at the end, and an empty file, with no bytes and OK', async () => {
    expect(await download(t.client, { name: 'hello.txt', offset: 11 })).toHaveLength(0)
    expect(await download(t.client, { name: 'empty.txt' })).toHaveLength(0)
  })

  it.each([
    ['an unknown name', { name: 'nope.txt' }, status.NOT_FOUND, 'PEER_NOT_FOUND'],
    ['an unknown sha256', { sha256: 'a'.repeat(64) }, status.NOT_FOUND, 'PEER_NOT_FOUND'],
    ['a name and a sha256 that disagree', { name: 'hello.txt', sha256: sha256(BIG) }, status.NOT_FOUND, 'PEER_NOT_FOUND'],
    ['neither name nor sha256', {}, status.INVALID_ARGUMENT, 'PEER_BAD_REQUEST'],
    ['a path instead of a name', { name: '../peer-id' }, status.INVALID_ARGUMENT, 'PEER_BAD_REQUEST'],
    ['a malformed sha256', { sha256: 'XYZ' }, status.INVALID_ARGUMENT, 'PEER_BAD_REQUEST'],
    ['an offset past the end', { name: 'hello.txt', offset: 12 }, status.OUT_OF_RANGE, 'PEER_OUT_OF_RANGE'],
    ['a range running past the end', { name: 'hello.txt', offset: 5, length: 7 }, status.OUT_OF_RANGE, 'PEER_OUT_OF_RANGE']
  ])('refuses %s', async (_what, request, code, peerCode) => {
    const err = await downloadError(t.client, request)
    expect(err.code).toBe(code)
    expect(errorCode(err)).toBe(peerCode)
  })
})

async function endOf (call: Readable): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    call.once('end', resolve)
    call.once('error', reject)
  })
}

describe('Download flow control', () => {
  const SIZE = 64 * 1024 * 1024
  let t: TestPeer
  let expectedHash: string
  const opened: Readable[] = []

  beforeAll(async () => {
    t = await startTestPeer({
      // Streamed to disk (1 MiB of random bytes, repeated) so the test itself stays flat in memory.
      prepare: async (filesDir) => {
        const block = randomBytes(1024 * 1024)
        const hash = createHash('sha256')
        const out = createWriteStream(path.join(filesDir, 'huge.bin'))
        for (let written = 0; written < SIZE; written += block.length) {
          hash.update(block)
          if (!out.write(block)) await once(out, 'drain')
        }
        out.end()
        await finished(out)
        expectedHash = hash.digest('hex')
      },
      // Observes the real store's read streams; changes nothing.
      wrapStore: (store) => ({
        ...store,
        openRead: async (name, offset, length) => {
          const stream = await store.openRead(name, offset, length)
          opened.push(stream)
          return stream
        }
      })
    })
  })
  afterAll(async () => { await t.close() })

  it('stops reading the disk while the client is not reading, holding no more than its send window, then delivers every byte', async () => {
    opened.length = 0
    const call = t.client.Download({ name: 'huge.bin' })
    const hash = createHash('sha256')
    let received = 0
    const first = await new Promise<FileChunk__Output>((resolve) => call.once('data', resolve))
    call.pause()
    hash.update(first.data)
    received += first.data.length

    await waitFor('the server to open the file', () => opened.length === 1)
    const source = opened[0] as Readable & { bytesRead: number }
    // Wait until the server has stopped reading (its buffers and the HTTP/2 window are full): the
    // count must hold still over several polls. Without backpressure it would only stop at SIZE.
    let last = -1
    let stablePolls = 0
    await waitFor('the server to stop reading', () => {
      stablePolls = source.bytesRead === last ? stablePolls + 1 : 0
      last = source.bytesRead
      return stablePolls >= 10
    }, 15_000)
    // The client holds its HTTP/2 window and the 16 messages grpc-js buffers without being read; beyond
    // that, the server holds only its send window and the reads in hand (the one sent, the next read ahead).
    const clientHolds = Number(grpcChannelOptions['grpc-node.flow_control_window']) + 16 * CHUNK_BYTES
    expect(source.bytesRead).toBeLessThanOrEqual(clientHolds + QUEUED_BYTES + 3 * READ_BYTES)

    call.on('data', (chunk: FileChunk__Output) => {
      hash.update(chunk.data)
      received += chunk.data.length
    })
    call.resume()
    await endOf(call)
    expect(received).toBe(SIZE)
    expect(hash.digest('hex')).toBe(expectedHash)
  })

  it('frees each disk read once its last message was encoded, while the download runs, and sends every byte', async () => {
    opened.length = 0
    const reads: Buffer[] = []
    const call = t.client.Download({ name: 'huge.bin' })
    const hash = createHash('sha256')
    let received = 0
    call.on('data', (chunk: FileChunk__Output) => {
      hash.update(chunk.data)
      received += chunk.data.length
    })
    // Every buffer the read stream hands on, seen as it is pushed (the stream's flow is unchanged).
    await waitFor('the server to open the file', () => opened.length === 1)
    const source = opened[0]!
    const push = source.push.bind(source)
    source.push = (chunk: unknown) => {
      if (Buffer.isBuffer(chunk)) reads.push(chunk)
      return push(chunk)
    }
    const freed = (read: Buffer): boolean => read.buffer.byteLength === 0
    await waitFor('a few reads', () => reads.length >= 4)
    call.pause()
    // Held: what the call has not encoded yet. The first reads were encoded long ago.
    await waitFor('an early read to be freed while the download is held', () => received < SIZE && reads.length > 0 && freed(reads[0]!))
    expect(received).toBeLessThan(SIZE)
    call.resume()
    await endOf(call)
    expect(received).toBe(SIZE)
    expect(hash.digest('hex')).toBe(expectedHash)
    // Every read seen, whole, was freed: none was freed before its bytes were copied, or the hash would differ.
    expect(reads.length).toBeGreaterThan(4)
    expect(reads.filter((read) => !freed(read))).toHaveLength(0)
  })

  it('closes the file and ends the transfer when the client cancels', async () => {
    opened.length = 0
    const call = t.client.Download({ name: 'huge.bin' })
    call.on('error', () => {})
    await new Promise((resolve) => call.once('data', resolve))
    call.pause()
    await waitFor('the server to open the file', () => opened.length === 1)
    expect(t.peer.transfers.count()).toBe(1)
    call.cancel()
    await waitFor('the file stream to be destroyed', () => opened[0]?.destroyed === true)
    await waitFor('the transfer to end', () => t.peer.transfers.count() === 0)
  })
})

describe('Download from a peer whose sending is capped', () => {
  it('tells the cap in the answer\'s first headers, and only when there is one', async () => {
    const capped = await startTestPeer({ files: { 'hello.txt': 'hello world' }, sendBytesPerSecond: 8 * 1024 * 1024 })
    const uncapped = await startTestPeer({ files: { 'hello.txt': 'hello world' } })
    try {
      const toldBy = async (peer: TestPeer): Promise<unknown[]> => {
        const call = peer.client.Download({ name: 'hello.txt' })
        const [metadata] = await once(call, 'metadata') as [import('@grpc/grpc-js').Metadata]
        call.resume()
        await finished(call)
        return metadata.get(SEND_RATE_METADATA_KEY)
      }
      expect(await toldBy(capped)).toEqual([String(8 * 1024 * 1024)])
      expect(await toldBy(uncapped)).toEqual([])
    } finally {
      await capped.close()
      await uncapped.close()
    }
  })
})
