// Pieces hashed on libuv's thread pool: the digests are the pieces' SHA-256 however the bytes came in
// and however many jobs share the scratch buffer, and a download whose piece table the central vouched
// for never starts the hashing thread (a second V8 instance in the process), while one that needs the
// whole file's hash still does.
import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { PIECE_BYTES, pieceTableDigest, sharedHashWorker } from '@p2p/proto'
import { createPeerFilesClient } from '@p2p/proto/grpc'
import type { FileView, Placement, PlacementBody } from '@p2p/proto'
import { afterEach, describe, expect, it } from 'vitest'
import { startTestPeer } from '@p2p/test-support/pserver'
import type { TestPeer } from '@p2p/test-support/pserver'
import { openDownload } from '../../src/transfers/download.js'
import { openPieceDigests } from '../../src/transfers/piece-digests.js'
import { uploadFile } from '../../src/transfers/upload.js'
import { pieceHashes, sha256Hex } from '../helpers/fake-peer.js'

const digestOf = (bytes: Buffer): Buffer => createHash('sha256').update(bytes).digest()

/** `bytes` cut into parts of `size` bytes (views, as a verifier hands them on). */
function partsOf (bytes: Buffer, size: number): Buffer[] {
  const parts: Buffer[] = []
  for (let at = 0; at < bytes.length; at += size) parts.push(bytes.subarray(at, at + size))
  return parts
}

describe('piece digests on the thread pool', () => {
  it('are the SHA-256 of each piece, in one part or many, and of an empty piece', async () => {
    const job = openPieceDigests()
    for (const [piece, partBytes] of [[randomBytes(PIECE_BYTES), 256 * 1024], [randomBytes(300_001), 7_000], [randomBytes(5_000), 5_000], [Buffer.alloc(0), 1]] as const) {
      for (const part of partsOf(piece, partBytes)) job.update(part)
      expect(await job.endPiece()).toEqual(digestOf(piece))
    }
  })

  it('keep the pieces of jobs ended together apart, though they share one scratch buffer', async () => {
    const [first, second] = [randomBytes(PIECE_BYTES), randomBytes(PIECE_BYTES / 2)]
    const [a, b] = [openPieceDigests(), openPieceDigests()]
    for (const part of partsOf(first, 100_000)) a.update(part)
    for (const part of partsOf(second, 100_000)) b.update(part)
    // Both copies into the scratch buffer happen before either digest is awaited.
    const digests = await Promise.all([a.endPiece(), b.endPiece()])
    expect(digests).toEqual([digestOf(first), digestOf(second)])
  })

  it('forget a half-received piece on rewind, and have no whole-file hash', async () => {
    const job = openPieceDigests()
    job.update(randomBytes(1_000))
    job.rewind()
    const piece = randomBytes(2_000)
    job.update(piece)
    expect(await job.endPiece()).toEqual(digestOf(piece))
    await expect(job.wholeDigest()).rejects.toMatchObject({ code: 'PCLIENT_INTERNAL' })
  })
})

describe('the hashing thread, for downloads from a real pserver', () => {
  let peer: TestPeer | null = null
  afterEach(async () => { await peer?.close() })

  it('is not started by a download whose piece table the central vouched for, and is by one that needs the whole file hashed', async () => {
    // Stored through the upload path, whose hashing has a thread of its own: the shared thread stays off.
    peer = await startTestPeer()
    const address = peer.address
    const content = randomBytes(3 * PIECE_BYTES + 4_321)
    const central = { place: async (body: PlacementBody): Promise<Placement> => ({ ...body, peerId: 'peer-test', grpcAddress: address }) }
    await uploadFile({ central, connectPeer: createPeerFilesClient }, { name: 'f.bin', size: content.length, sizeIsMaximum: false, source: Readable.from([content]) })
    expect(sharedHashWorker().threadRunning).toBe(false)

    const view = (piecesSha256?: string): FileView => ({
      name: 'f.bin', size: content.length, sha256: sha256Hex(content), ...(piecesSha256 != null ? { piecesSha256 } : {}),
      addedAt: new Date().toISOString(), holders: [{ peerId: 'peer-test', grpcAddress: address, freeBytes: 0, activeTransfers: 0 }], replicas: 1, status: 'under-replicated'
    })
    const download = async (located: FileView): Promise<Buffer> => {
      const opened = await openDownload({ central: { locate: async () => located }, connectPeer: createPeerFilesClient }, located)
      const chunks: Buffer[] = []
      for await (const chunk of opened.body) chunks.push(Buffer.from(chunk as Buffer))
      return Buffer.concat(chunks)
    }

    const vouched = view(pieceTableDigest(PIECE_BYTES, pieceHashes(content, PIECE_BYTES)))
    expect((await download(vouched)).equals(content)).toBe(true)
    expect(sharedHashWorker().threadRunning).toBe(false)

    expect((await download(view())).equals(content)).toBe(true)
    expect(sharedHashWorker().threadRunning).toBe(true)
  })
})
