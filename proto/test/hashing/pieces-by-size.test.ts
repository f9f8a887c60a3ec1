import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createContentHasher, splitPieces } from '../../src/store/content-digest.js'
import { sha256 } from '../helpers.js'

const PIECE = 1000

function expected (data: Buffer): Buffer[] {
  const pieces: Buffer[] = []
  for (let at = 0; at < data.length; at += PIECE) pieces.push(Buffer.from(sha256(data.subarray(at, at + PIECE)), 'hex'))
  return pieces
}

function digestInChunks (data: Buffer, chunkSizes: number[]): ReturnType<ReturnType<typeof createContentHasher>['digest']> {
  const hasher = createContentHasher(PIECE)
  let at = 0
  for (let i = 0; at < data.length; i++) {
    const size = chunkSizes[i % chunkSizes.length]!
    hasher.update(data.subarray(at, at + size))
    at += size
  }
  return hasher.digest()
}

describe('content digest', () => {
  it.each([
    ['chunks smaller than a piece', 3500, [333]],
    ['chunks larger than a piece', 3500, [2345]],
    ['chunks that end exactly on piece boundaries', 3000, [500]],
    ['one chunk of several pieces', 3001, [10_000]],
    ['uneven chunks, some empty', 2999, [0, 1, 999, 1000, 1001]]
  ])('hashes the whole content and each piece, whatever the chunking: %s', (_what, size, chunkSizes) => {
    const data = randomBytes(size)
    const digest = digestInChunks(data, chunkSizes)
    expect(digest.size).toBe(size)
    expect(digest.sha256).toBe(sha256(data))
    expect(digest.pieceBytes).toBe(PIECE)
    expect(splitPieces(digest.pieces)).toEqual(expected(data))
  })

  it('has no piece for an empty content', () => {
    const digest = createContentHasher(PIECE).digest()
    expect(digest).toMatchObject({ size: 0, sha256: sha256('') })
    expect(digest.pieces).toHaveLength(0)
  })
})
