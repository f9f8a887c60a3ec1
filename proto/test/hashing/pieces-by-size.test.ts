import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { createHashWorker } from '../../src/hashing/hash-worker.js'
import type { HashResult } from '../../src/hashing/hash-job.js'
import { pieceDigests, sha256 } from './digests.js'

const PIECE = 1000
const worker = createHashWorker()
afterAll(async () => { await worker.close() })

async function digestInChunks (data: Buffer, chunkSizes: number[]): Promise<HashResult> {
  const job = worker.open({ whole: true, pieces: PIECE })
  let at = 0
  for (let i = 0; at < data.length; i++) {
    const size = chunkSizes[i % chunkSizes.length]!
    job.update(data.subarray(at, at + size))
    at += size
  }
  return await job.end()
}

describe('pieces cut by size', () => {
  it.each([
    ['chunks smaller than a piece', 3500, [333]],
    ['chunks larger than a piece', 3500, [2345]],
    ['chunks that end exactly on piece boundaries', 3000, [500]],
    ['one chunk of several pieces', 3001, [10_000]],
    ['uneven chunks, some empty', 2999, [0, 1, 999, 1000, 1001]]
  ])('hashes the whole content and each piece, whatever the chunking: %s', async (_what, size, chunkSizes) => {
    const data = randomBytes(size)
    const digest = await digestInChunks(data, chunkSizes)
    expect(digest.size).toBe(size)
    expect(digest.sha256).toBe(sha256(data))
    expect(digest.pieces).toEqual(pieceDigests(data, PIECE))
  })

  it('has no piece for an empty content', async () => {
    const digest = await worker.open({ whole: true, pieces: PIECE }).end()
    expect(digest).toMatchObject({ size: 0, sha256: sha256('') })
    expect(digest.pieces).toHaveLength(0)
  })
})
