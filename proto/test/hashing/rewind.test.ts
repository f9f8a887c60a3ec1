import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { sharedHashWorker } from '../../src/hashing/hash-worker.js'

const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest()

describe('a job that goes back to its last accepted piece', () => {
  it('forgets the bytes of a piece whose sender failed halfway, in the piece and the whole digest', async () => {
    const content = randomBytes(900_000)
    const job = sharedHashWorker().open({ whole: true, pieces: 'marked' })
    job.update(content.subarray(0, 300_000))
    expect(await job.endPiece()).toEqual(sha256(content.subarray(0, 300_000)))
    job.mark()
    // Half of the next piece from a sender that fails, then other bytes: none of them is content.
    job.update(content.subarray(300_000, 450_000))
    job.update(randomBytes(70_000))
    job.rewind()
    // The same piece again, from another sender.
    job.update(content.subarray(300_000, 600_000))
    expect(await job.endPiece()).toEqual(sha256(content.subarray(300_000, 600_000)))
    job.mark()
    job.update(content.subarray(600_000))
    expect(await job.endPiece()).toEqual(sha256(content.subarray(600_000)))
    const result = await job.end()
    expect(result.sha256).toBe(sha256(content).toString('hex'))
    expect(result.size).toBe(content.length)
  })

  it('goes back to the start when nothing was marked', async () => {
    const content = randomBytes(200_000)
    const job = sharedHashWorker().open({ whole: true, pieces: 'marked' })
    job.update(randomBytes(123_457))
    job.rewind()
    job.update(content)
    expect(await job.endPiece()).toEqual(sha256(content))
    expect((await job.end()).sha256).toBe(sha256(content).toString('hex'))
  })

  it('hashes only the whole content once made whole-only, and refuses to end a piece then', async () => {
    const content = randomBytes(500_000)
    const job = sharedHashWorker().open({ whole: true, pieces: 'marked' })
    job.update(content.subarray(0, 200_000))
    expect(await job.endPiece()).toEqual(sha256(content.subarray(0, 200_000)))
    job.mark()
    job.update(content.subarray(200_000, 260_000))
    job.rewind()
    job.wholeOnly()
    job.update(content.subarray(200_000))
    await expect(job.endPiece()).rejects.toThrow(/whole-only/)
    expect((await job.end()).sha256).toBe(sha256(content).toString('hex'))
  })
})
