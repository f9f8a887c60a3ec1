import { describe, expect, it } from 'vitest'
import { MAX_MESSAGE_BYTES, MAX_PIECE_BYTES, PIECE_BYTES, isAcceptedPieceSize, pieceBytesFor } from '../../src/index.js'

const GiB = 1024 ** 3
/** What one piece hash costs in a FileInfo message: 32 bytes, a tag and a length. */
const HASH_IN_MESSAGE_BYTES = 34

describe('piece size', () => {
  it('cuts content of up to 64 GiB into 1 MiB pieces', () => {
    expect(PIECE_BYTES).toBe(1024 * 1024)
    for (const size of [0, 1, PIECE_BYTES, 5 * GiB, 64 * GiB]) expect(pieceBytesFor(size)).toBe(PIECE_BYTES)
  })

  it('doubles the piece for larger content, up to the largest a downloader accepts', () => {
    expect(pieceBytesFor(64 * GiB + 1)).toBe(2 * PIECE_BYTES)
    expect(pieceBytesFor(128 * GiB)).toBe(2 * PIECE_BYTES)
    expect(pieceBytesFor(128 * GiB + 1)).toBe(4 * PIECE_BYTES)
    expect(pieceBytesFor(1024 * GiB)).toBe(MAX_PIECE_BYTES)
  })

  it('keeps the piece table of content of up to 256 GiB well inside one FileInfo message', () => {
    for (const size of [64 * GiB, 128 * GiB, 256 * GiB]) {
      expect(Math.ceil(size / pieceBytesFor(size)) * HASH_IN_MESSAGE_BYTES).toBeLessThan(MAX_MESSAGE_BYTES * 0.6)
    }
  })

  it('accepts pieces of 1 byte up to MAX_PIECE_BYTES (4 MiB, what content hashed before 2026-12-07 has)', () => {
    expect(MAX_PIECE_BYTES).toBe(4 * 1024 * 1024)
    for (const good of [1, PIECE_BYTES, MAX_PIECE_BYTES]) expect(isAcceptedPieceSize(good)).toBe(true)
    for (const bad of [0, -1, 1.5, MAX_PIECE_BYTES + 1, Number.NaN]) expect(isAcceptedPieceSize(bad)).toBe(false)
  })
})
