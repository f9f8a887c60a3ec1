import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { sharedHashWorker } from '../../src/hashing/hash-worker.js'
import type { HashJob } from '../../src/hashing/hash-job.js'

const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest()

describe('pieces marked by the caller', () => {
  it('hashes pieces and whole files of several jobs at once, each on its own, while the caller reuses its buffers', async () => {
    const a = randomBytes(700_000)
    const b = randomBytes(300_001)
    const jobA = sharedHashWorker().open({ whole: true, pieces: 'marked' })
    const jobB = sharedHashWorker().open({ whole: false, pieces: 'marked' })
    // Interleaved updates in odd sizes, from one scratch buffer the caller overwrites each time.
    const scratch = Buffer.alloc(70_001)
    const feed = (job: HashJob, data: Buffer, from: number, to: number): void => {
      for (let at = from; at < to; at += scratch.length) {
        const count = data.copy(scratch, 0, at, Math.min(to, at + scratch.length))
        job.update(scratch.subarray(0, count))
      }
    }
    feed(jobA, a, 0, 400_000)
    feed(jobB, b, 0, 300_001)
    const pieceA0 = jobA.endPiece()
    const pieceB0 = jobB.endPiece()
    expect(await pieceA0).toEqual(sha256(a.subarray(0, 400_000)))
    expect(await pieceB0).toEqual(sha256(b))
    feed(jobA, a, 400_000, a.length)
    expect(await jobA.endPiece()).toEqual(sha256(a.subarray(400_000)))
    expect((await jobA.end()).sha256).toBe(sha256(a).toString('hex'))
    jobA.close()
    jobB.close()
  })

  it('refuses to end a piece of a job whose pieces are not marked', async () => {
    const job = sharedHashWorker().open({ whole: true, pieces: 'none' })
    await expect(job.endPiece()).rejects.toThrow(/marked/)
    job.close()
  })
})
