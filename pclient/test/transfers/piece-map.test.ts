// A holder's piece table is vouched for only when it hashes to the digest the central recorded with the
// content; any other table (none recorded, another piece size, other hashes) leaves the whole file's
// SHA-256 to decide. And a table that does not describe the located content is refused outright.
import { createHash, randomBytes } from 'node:crypto'
import { MAX_PIECE_BYTES, PIECE_BYTES, pieceTableDigest } from '@p2p/proto'
import type { FileInfo__Output, FileView } from '@p2p/proto'
import { describe, expect, it } from 'vitest'
import { checkPieceMap, checksWholeFile } from '../../src/transfers/piece-map.js'
import { pieceHashes, sha256Hex } from '../helpers/fake-peer.js'

const PIECE = 1000
const content = randomBytes(4_500)
const honest = pieceHashes(content, PIECE)

function located (piecesSha256?: string): FileView {
  return {
    name: 'f.bin', size: content.length, sha256: sha256Hex(content), ...(piecesSha256 != null ? { piecesSha256 } : {}),
    addedAt: new Date(0).toISOString(), holders: [], replicas: 0, status: 'lost'
  }
}

function info (pieceSize: number, hashes: Buffer[]): FileInfo__Output {
  return { name: 'f.bin', size: content.length, sha256: sha256Hex(content), pieceSize, pieceSha256: hashes }
}

describe('checkPieceMap', () => {
  it('vouches for a piece table that hashes to the digest the central recorded', () => {
    const map = checkPieceMap(info(PIECE, honest), located(pieceTableDigest(PIECE, honest)), 'peer-x')
    expect(map.vouched).toBe(true)
    // The whole file is then not hashed, whatever range is asked for.
    expect(checksWholeFile(map, { first: 0, end: 5 })).toBe(false)
  })

  it('does not vouch without a recorded digest, for other hashes, or for the same hashes at another piece size', () => {
    expect(checkPieceMap(info(PIECE, honest), located(), 'peer-x').vouched).toBe(false)
    const forged = [...honest.slice(0, 4), createHash('sha256').update('other bytes').digest()]
    expect(checkPieceMap(info(PIECE, forged), located(pieceTableDigest(PIECE, honest)), 'peer-x').vouched).toBe(false)
    // The piece size is part of the digest: the recorded table was cut at 1000 bytes, this one at 1500.
    const coarser = pieceHashes(content, 1_500)
    const map = checkPieceMap(info(1_500, coarser), located(pieceTableDigest(PIECE, coarser)), 'peer-x')
    expect(map.vouched).toBe(false)
    expect(checksWholeFile(map, { first: 0, end: 3 })).toBe(true)
    expect(checksWholeFile(map, { first: 1, end: 3 })).toBe(false)
  })

  it('refuses a holder that describes other content, or a piece table of the wrong length', () => {
    expect(() => checkPieceMap({ ...info(PIECE, honest), sha256: 'f'.repeat(64) }, located(), 'peer-x')).toThrow(/peer peer-x describes 'f\.bin'/)
    expect(() => checkPieceMap(info(PIECE, honest.slice(1)), located(), 'peer-x')).toThrow(/sent 4 piece hashes/)
  })

  it('takes pieces of up to MAX_PIECE_BYTES (content hashed before 2026-12-07 has 4 MiB ones), and refuses larger ones', () => {
    const big = { ...located(), size: 2 * MAX_PIECE_BYTES }
    const table = (pieceSize: number): FileInfo__Output => ({ ...info(pieceSize, []), size: big.size, pieceSha256: Array.from({ length: big.size / pieceSize }, () => honest[0]!) })
    expect(checkPieceMap(table(PIECE_BYTES), big, 'peer-x').pieceSize).toBe(PIECE_BYTES)
    expect(checkPieceMap(table(MAX_PIECE_BYTES), big, 'peer-x').pieceSize).toBe(MAX_PIECE_BYTES)
    expect(() => checkPieceMap(table(2 * MAX_PIECE_BYTES), big, 'peer-x')).toThrow(/pieces of 8388608 bytes; between 1 and 4194304 are accepted/)
  })
})

describe('pieceTableDigest', () => {
  it('is the SHA-256 of the piece size (8 bytes, big-endian) and the piece hashes, in order', () => {
    const size = Buffer.alloc(8)
    size.writeBigUInt64BE(BigInt(PIECE))
    const expected = createHash('sha256').update(Buffer.concat([size, ...honest])).digest('hex')
    expect(pieceTableDigest(PIECE, honest)).toBe(expected)
    expect(pieceTableDigest(PIECE, Buffer.concat(honest))).toBe(expected)
    expect(pieceTableDigest(PIECE, [...honest].reverse())).not.toBe(expected)
    expect(() => pieceTableDigest(0, honest)).toThrow(RangeError)
  })
})
