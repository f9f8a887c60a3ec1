import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createHashWorker } from '../../src/hashing/hash-worker.js'
import type { HashWorker } from '../../src/hashing/hash-worker.js'
import { expectedResult } from './digests.js'

const PIECE = 1000
/** The pserver's batches: 1 MiB, three in flight per job at most, two kept for reuse. */
const OPTIONS = { batchBytes: 1024 * 1024, batchesInFlight: 3, pooledBatches: 2 }

let worker: HashWorker
afterEach(async () => { await worker.close() })

describe('hash worker', () => {
  it('digests exactly as a direct hash, for any chunking, several jobs at once', async () => {
    worker = createHashWorker(OPTIONS)
    const cases = [[5500, 333], [3000, 1000], [2999, 4096], [0, 1], [1, 1], [2.5 * 1024 * 1024, 300_001]] as const
    const results = await Promise.all(cases.map(async ([size, chunk]) => {
      const data = randomBytes(size)
      const job = worker.open({ whole: true, pieces: PIECE })
      for (let at = 0; at < data.length; at += chunk) {
        job.update(data.subarray(at, at + chunk))
        await job.ready()
      }
      return { actual: await job.end(), expected: expectedResult(data, PIECE) }
    }))
    for (const { actual, expected } of results) expect(actual).toEqual(expected)
  })

  it('keeps hashing correctly after a closed job, with its buffers reused', async () => {
    worker = createHashWorker(OPTIONS)
    const dropped = worker.open({ whole: true, pieces: PIECE })
    dropped.update(randomBytes(2500))
    await dropped.ready()
    dropped.close()
    const data = randomBytes(4321)
    const job = worker.open({ whole: true, pieces: PIECE })
    job.update(data)
    await job.ready()
    expect(await job.end()).toEqual(expectedResult(data, PIECE))
  })

  it('stops its thread once idle, and starts it again for the next job', async () => {
    worker = createHashWorker({ ...OPTIONS, idleStopMs: 50 })
    expect(worker.threadRunning).toBe(false)
    const first = randomBytes(3 * 1024 * 1024)
    const job = worker.open({ whole: true, pieces: PIECE })
    job.update(first)
    await job.ready()
    expect(await job.end()).toEqual(expectedResult(first, PIECE))
    expect(worker.threadRunning).toBe(true)
    await vi.waitFor(() => { expect(worker.threadRunning).toBe(false) }, { timeout: 5000 })
    const second = randomBytes(4321)
    const again = worker.open({ whole: true, pieces: PIECE })
    expect(worker.threadRunning).toBe(true)
    again.update(second)
    await again.ready()
    expect(await again.end()).toEqual(expectedResult(second, PIECE))
  })

  it('keeps its thread while a job is open, however long it waits between bytes', async () => {
    // Small batches: the thread hands some back (and is waited on for nothing) while the job is open.
    worker = createHashWorker({ batchBytes: 1000, batchesInFlight: 2, idleStopMs: 20 })
    const data = randomBytes(5000)
    const job = worker.open({ whole: true, pieces: PIECE })
    job.update(data.subarray(0, 2000))
    await job.ready()
    await sleep(200)
    expect(worker.threadRunning).toBe(true)
    job.update(data.subarray(2000))
    await job.ready()
    expect(await job.end()).toEqual(expectedResult(data, PIECE))
  })

  it('fails jobs still running when it is closed, instead of leaving them waiting', async () => {
    worker = createHashWorker(OPTIONS)
    const job = worker.open({ whole: true, pieces: PIECE })
    job.update(randomBytes(1500))
    await job.ready()
    await worker.close()
    await expect(job.end()).rejects.toThrow(/stopped/)
    expect(() => worker.open({ whole: true, pieces: PIECE })).toThrow(/stopped/)
  })

  it('paces a producer: ready() waits while a job has its most batches with the thread', async () => {
    worker = createHashWorker({ batchBytes: 1000, batchesInFlight: 2 })
    const job = worker.open({ whole: true, pieces: 'none' })
    const data = randomBytes(5000)
    job.update(data)
    let ready = false
    const waiting = job.ready().then(() => { ready = true })
    expect(ready).toBe(false)
    await waiting
    const result = await job.end()
    expect(result).toEqual({ ...expectedResult(data, PIECE), pieces: Buffer.alloc(0) })
  })
})
