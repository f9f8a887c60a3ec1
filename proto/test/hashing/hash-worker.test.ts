import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { createContentHasher } from '../../src/store/content-digest.js'
import { createHashPool } from '../../src/store/hash-worker.js'
import type { HashPool } from '../../src/store/hash-worker.js'

const PIECE = 1000

let pool: HashPool
afterEach(async () => { await pool.close() })

describe('hash worker', () => {
  it('digests exactly as the in-thread hasher, for any chunking, several hashings at once', async () => {
    pool = createHashPool(PIECE)
    const cases = [[5500, 333], [3000, 1000], [2999, 4096], [0, 1], [1, 1], [2.5 * 1024 * 1024, 300_001]] as const
    const results = await Promise.all(cases.map(async ([size, chunk]) => {
      const data = randomBytes(size)
      const hasher = pool.hasher()
      for (let at = 0; at < data.length; at += chunk) await hasher.update(data.subarray(at, at + chunk))
      const expected = createContentHasher(PIECE)
      expected.update(data)
      return { actual: await hasher.digest(), expected: expected.digest() }
    }))
    for (const { actual, expected } of results) expect(actual).toEqual(expected)
  })

  it('keeps hashing correctly after an aborted hashing, with its buffers reused', async () => {
    pool = createHashPool(PIECE)
    const dropped = pool.hasher()
    await dropped.update(randomBytes(2500))
    dropped.abort()
    const data = randomBytes(4321)
    const hasher = pool.hasher()
    await hasher.update(data)
    const expected = createContentHasher(PIECE)
    expected.update(data)
    expect(await hasher.digest()).toEqual(expected.digest())
  })

  it('fails hashings still running when it is closed, instead of leaving them waiting', async () => {
    pool = createHashPool(PIECE)
    const hasher = pool.hasher()
    await hasher.update(randomBytes(1500))
    await pool.close()
    await expect(hasher.digest()).rejects.toThrow(/stopped/)
  })
})
