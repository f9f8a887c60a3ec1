import { createHash, randomBytes, randomFillSync } from 'node:crypto'
import { PassThrough, Readable } from 'node:stream'
import { status } from '@grpc/grpc-js'
import { CHUNK_BYTES, CentralRequestError } from '@p2p/proto'
import { createPeerFilesClient } from '@p2p/proto/grpc'
import type { Placement, PlacementBody } from '@p2p/proto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BadRequestError, CancelledError } from '../../src/errors.js'
import { uploadFile } from '../../src/transfers/upload.js'
import type { UploadResult } from '../../src/transfers/upload.js'
import { closedPort, waitFor } from '../helpers/closed-port.js'
import { sha256Hex, startFakePeer } from '../helpers/fake-peer.js'
import type { FakePeer } from '../helpers/fake-peer.js'

function chunksOf (data: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = []
  for (let offset = 0; offset < data.length; offset += size) chunks.push(data.subarray(offset, offset + size))
  return chunks
}

describe('uploadFile', () => {
  let peer: FakePeer
  let placed: PlacementBody[]
  const central = {
    place: async (body: PlacementBody): Promise<Placement> => {
      placed.push(body)
      return { ...body, peerId: peer.peerId, grpcAddress: peer.address }
    }
  }

  beforeEach(async () => {
    peer = await startFakePeer('peer-a')
    placed = []
  })
  afterEach(async () => { await peer.close() })

  it('places the file, streams it to the placed peer and checks the answer', async () => {
    const content = randomBytes(1_000_000)
    const result = await uploadFile({ central, connectPeer: createPeerFilesClient }, {
      name: 'a #1 ?%.txt', size: content.length + 200, sizeIsMaximum: true, source: Readable.from(chunksOf(content, 100_000))
    })
    expect(placed).toEqual([{ name: 'a #1 ?%.txt', size: content.length + 200 }])
    expect(result).toEqual({ name: 'a #1 ?%.txt', size: content.length, sha256: sha256Hex(content), peerId: 'peer-a', grpcAddress: peer.address })
    expect(peer.uploads[0]?.header).toEqual({ name: 'a #1 ?%.txt', size: content.length + 200, sizeIsMaximum: true, sha256: '' })
    expect(peer.uploads[0]?.bytes).toBe(content.length)
    // The last message says how many bytes were sent; only then does the peer keep the file.
    expect(peer.uploads[0]?.end).toEqual({ size: content.length, sha256: '' })
  })

  it('splits source chunks larger than a gRPC message', async () => {
    const content = randomBytes(5 * 1024 * 1024)
    const result = await uploadFile({ central, connectPeer: createPeerFilesClient }, {
      name: 'big.bin', size: content.length, sizeIsMaximum: false, source: Readable.from([content])
    })
    expect(result.sha256).toBe(sha256Hex(content))
    expect(Math.max(...(peer.uploads[0]?.chunkSizes ?? []))).toBe(CHUNK_BYTES)
  })

  it('frees each chunk once encoded into its message, while the upload runs, when its source says nothing else reads them', async () => {
    const CHUNK = 64 * 1024
    const COUNT = 64
    const made: Buffer[] = []
    let expected = createHash('sha256')
    let freedAtThreeQuarters = -1
    const freed = (): Buffer[] => made.filter((chunk) => chunk.buffer.byteLength === 0)
    // Fresh buffers of their own, as an HTTP request's body chunks are; hashed as they are made.
    async function * fresh (): AsyncGenerator<Buffer> {
      for (let n = 0; n < COUNT; n++) {
        if (n === (COUNT * 3) / 4) freedAtThreeQuarters = freed().length
        const chunk = randomFillSync(Buffer.allocUnsafeSlow(CHUNK))
        expected.update(chunk)
        made.push(chunk)
        yield chunk
      }
    }
    const send = async (chunksReadOnce: boolean): Promise<UploadResult> => await uploadFile({ central, connectPeer: createPeerFilesClient }, {
      name: `freed-${chunksReadOnce}.bin`, size: CHUNK * COUNT, sizeIsMaximum: false, source: Readable.from(fresh()), chunksReadOnce
    })
    const result = await send(true)
    expect(result.sha256).toBe(expected.digest('hex'))
    expect(freedAtThreeQuarters).toBeGreaterThan(0)
    expect(freed()).toHaveLength(COUNT)
    // Without the source's word, every chunk is left to the garbage collector.
    made.length = 0
    expected = createHash('sha256')
    await send(false)
    expect(made).toHaveLength(COUNT)
    expect(freed()).toHaveLength(0)
  })

  it('sends an empty file as a header and an end message', async () => {
    const result = await uploadFile({ central, connectPeer: createPeerFilesClient }, {
      name: 'empty', size: 0, sizeIsMaximum: false, source: Readable.from([])
    })
    expect(result).toMatchObject({ size: 0, sha256: sha256Hex(Buffer.alloc(0)) })
    expect(peer.uploads[0]?.end).toEqual({ size: 0, sha256: '' })
  })

  it('never sends the end message when the source cannot be confirmed whole', async () => {
    const content = randomBytes(300_000)
    await expect(uploadFile({ central, connectPeer: createPeerFilesClient }, {
      name: 'f.bin', size: content.length, sizeIsMaximum: true, source: Readable.from([content]),
      confirmWhole: async () => {
        // Every byte reached the peer; only the end message is missing.
        await waitFor(() => peer.uploads[0]?.bytes === content.length)
        throw new BadRequestError('the request was cut off')
      }
    })).rejects.toMatchObject({ code: 'PCLIENT_BAD_REQUEST' })
    await waitFor(() => peer.uploads[0]?.refused === true || peer.uploads[0]?.cancelled === true)
    expect(peer.uploads[0]?.bytes).toBe(content.length)
    expect(peer.uploads[0]?.end).toBeNull()
    expect(peer.uploads[0]?.done).toBe(false)
  })

  it("maps the peer's refusal and stops reading the source", async () => {
    peer.refuseUploadsWith = status.RESOURCE_EXHAUSTED
    const source = new PassThrough()
    source.write(randomBytes(1000))
    await expect(uploadFile({ central, connectPeer: createPeerFilesClient }, { name: 'f.bin', size: 1_000_000, sizeIsMaximum: true, source }))
      .rejects.toMatchObject({ code: 'PCLIENT_NO_ROOM', statusCode: 507 })
    expect(source.destroyed).toBe(true)
  })

  it('maps what the central says about placement', async () => {
    const full = { place: async (): Promise<Placement> => { throw new CentralRequestError(507, 'CENTRAL_NO_ROOM', 'no room') } }
    const exists = { place: async (): Promise<Placement> => { throw new CentralRequestError(409, 'CENTRAL_FILE_EXISTS', 'exists') } }
    const source = (): Readable => Readable.from([Buffer.from('x')])
    await expect(uploadFile({ central: full, connectPeer: createPeerFilesClient }, { name: 'f', size: 1, sizeIsMaximum: true, source: source() }))
      .rejects.toMatchObject({ code: 'PCLIENT_NO_ROOM', statusCode: 507 })
    await expect(uploadFile({ central: exists, connectPeer: createPeerFilesClient }, { name: 'f', size: 1, sizeIsMaximum: true, source: source() }))
      .rejects.toMatchObject({ code: 'PCLIENT_FILE_EXISTS', statusCode: 409 })
  })

  it('refuses a bad name without asking the central', async () => {
    await expect(uploadFile({ central, connectPeer: createPeerFilesClient }, { name: 'a/b', size: 1, sizeIsMaximum: true, source: Readable.from([Buffer.from('x')]) }))
      .rejects.toMatchObject({ code: 'PCLIENT_BAD_NAME', statusCode: 400 })
    expect(placed).toHaveLength(0)
  })

  it('answers 502 when the placed peer is unreachable', async () => {
    const gone = { place: async (body: PlacementBody): Promise<Placement> => ({ ...body, peerId: 'peer-gone', grpcAddress: `127.0.0.1:${port}` }) }
    const port = await closedPort()
    await expect(uploadFile({ central: gone, connectPeer: createPeerFilesClient }, { name: 'f', size: 10, sizeIsMaximum: true, source: Readable.from([Buffer.from('x')]) }))
      .rejects.toMatchObject({ code: 'PCLIENT_PEER_UNREACHABLE', statusCode: 502 })
  })

  it('cancels the gRPC call when the source fails mid-upload', async () => {
    const source = new PassThrough()
    const uploading = uploadFile({ central, connectPeer: createPeerFilesClient }, { name: 'f.bin', size: 1_000_000, sizeIsMaximum: true, source })
    source.write(randomBytes(100_000))
    await waitFor(() => (peer.uploads[0]?.bytes ?? 0) > 0)
    source.destroy(new Error('the browser went away'))
    await expect(uploading).rejects.toMatchObject({ code: 'PCLIENT_BAD_REQUEST' })
    // The call was cancelled without an end message, so the peer never completes it.
    await waitFor(() => peer.uploads[0]?.refused === true || peer.uploads[0]?.cancelled === true)
    expect(peer.uploads[0]?.end).toBeNull()
    expect(peer.uploads[0]?.done).toBe(false)
  })

  it('refuses a source that yields more than its declared size, without an end message', async () => {
    const source = new PassThrough()
    const uploading = uploadFile({ central, connectPeer: createPeerFilesClient }, { name: 'f.bin', size: 10, sizeIsMaximum: true, source })
    source.write(randomBytes(6))
    await waitFor(() => peer.uploads[0]?.bytes === 6)
    source.write(randomBytes(5))
    await expect(uploading).rejects.toMatchObject({ code: 'PCLIENT_TOO_LARGE', statusCode: 413 })
    await waitFor(() => peer.uploads[0]?.refused === true || peer.uploads[0]?.cancelled === true)
    expect(peer.uploads[0]?.end).toBeNull()
    expect(peer.uploads[0]?.done).toBe(false)
  })

  it('cancels when its signal aborts', async () => {
    const controller = new AbortController()
    const source = new PassThrough()
    const uploading = uploadFile({ central, connectPeer: createPeerFilesClient }, { name: 'f.bin', size: 1_000_000, sizeIsMaximum: true, source, signal: controller.signal })
    source.write(randomBytes(1000))
    await waitFor(() => (peer.uploads[0]?.bytes ?? 0) > 0)
    controller.abort(new CancelledError('shutting down'))
    await expect(uploading).rejects.toMatchObject({ code: 'PCLIENT_CANCELLED' })
    await waitFor(() => peer.uploads[0]?.cancelled === true)
    expect(peer.uploads[0]?.end).toBeNull()
  })
})
