import { randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import { status } from '@grpc/grpc-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PIECE_BYTES } from '@p2p/proto'
import { storedPathOf } from '../../src/store/stored-path.js'
import { errorCode, fileInfo, fileInfoError, sha256, startTestPeer, upload } from '../helpers.js'
import type { TestPeer } from '../helpers.js'

const DATA = randomBytes(2 * PIECE_BYTES + 1234)
const IMPORTED = randomBytes(PIECE_BYTES)

function pieceHashesOf (data: Buffer): Buffer[] {
  const pieces: Buffer[] = []
  for (let at = 0; at < data.length; at += PIECE_BYTES) {
    pieces.push(Buffer.from(sha256(data.subarray(at, at + PIECE_BYTES)), 'hex'))
  }
  return pieces
}

function split (data: Buffer, size: number): Buffer[] {
  const parts: Buffer[] = []
  for (let at = 0; at < data.length; at += size) parts.push(data.subarray(at, at + size))
  return parts
}

describe('GetFileInfo', () => {
  let t: TestPeer
  beforeAll(async () => {
    t = await startTestPeer({ files: { 'imported.bin': IMPORTED, 'empty.txt': '' } })
    // Chunks that do not divide the piece size, so pieces are cut inside chunks.
    await upload(t.client, { name: 'big.bin', size: DATA.length }, split(DATA, 300_001))
  })
  afterAll(async () => { await t.close() })

  it('answers the size, sha256 and the hash of every piece of an uploaded file', async () => {
    const info = await fileInfo(t.client, { name: 'big.bin' })
    expect(info).toEqual({ name: 'big.bin', size: DATA.length, sha256: sha256(DATA), pieceSize: PIECE_BYTES, pieceSha256: pieceHashesOf(DATA) })
    expect(info.pieceSha256).toHaveLength(3)
  })

  it('finds a file by its sha256 alone, or by both name and sha256', async () => {
    expect(await fileInfo(t.client, { sha256: sha256(DATA) })).toMatchObject({ name: 'big.bin', size: DATA.length })
    expect(await fileInfo(t.client, { name: 'big.bin', sha256: sha256(DATA) })).toMatchObject({ name: 'big.bin' })
  })

  it('answers pieces of files indexed at start, one exact piece, and none for an empty file', async () => {
    expect(await fileInfo(t.client, { name: 'imported.bin' })).toMatchObject({ size: PIECE_BYTES, pieceSha256: pieceHashesOf(IMPORTED) })
    expect(await fileInfo(t.client, { name: 'empty.txt' })).toEqual({ name: 'empty.txt', size: 0, sha256: sha256(''), pieceSize: PIECE_BYTES, pieceSha256: [] })
  })

  it('serves the hashes computed when the file was written, not hashes of what the disk holds now', async () => {
    const blob = await storedPathOf(t.dataDir, 'imported.bin')
    const original = await fs.readFile(blob!)
    await fs.writeFile(blob!, randomBytes(IMPORTED.length))
    try {
      expect((await fileInfo(t.client, { name: 'imported.bin' })).pieceSha256).toEqual(pieceHashesOf(IMPORTED))
    } finally {
      await fs.writeFile(blob!, original)
    }
  })

  it.each([
    ['an unknown name', { name: 'nope.txt' }, status.NOT_FOUND, 'PEER_NOT_FOUND'],
    ['an unknown sha256', { sha256: 'a'.repeat(64) }, status.NOT_FOUND, 'PEER_NOT_FOUND'],
    ['a name and a sha256 that disagree', { name: 'empty.txt', sha256: sha256(DATA) }, status.NOT_FOUND, 'PEER_NOT_FOUND'],
    ['neither name nor sha256', {}, status.INVALID_ARGUMENT, 'PEER_BAD_REQUEST'],
    ['a path instead of a name', { name: '../names.json' }, status.INVALID_ARGUMENT, 'PEER_BAD_REQUEST'],
    ['a malformed sha256', { sha256: 'XYZ' }, status.INVALID_ARGUMENT, 'PEER_BAD_REQUEST']
  ])('refuses %s as Download does', async (_what, request, code, peerCode) => {
    const err = await fileInfoError(t.client, request)
    expect(err.code).toBe(code)
    expect(errorCode(err)).toBe(peerCode)
  })
})
