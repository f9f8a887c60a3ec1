import { describe, expect, it } from 'vitest'
import { createWriteQueue } from '../../src/store/write-queue.js'

/** A disk whose writes complete only when the test says so. */
function slowDisk (): { writev: (chunks: Uint8Array[]) => Promise<void>, batches: Uint8Array[][], complete: () => void, fail: (err: Error) => void } {
  const batches: Uint8Array[][] = []
  const pending: Array<{ resolve: () => void, reject: (err: Error) => void }> = []
  return {
    batches,
    writev: async (chunks) => {
      batches.push(chunks)
      await new Promise<void>((resolve, reject) => pending.push({ resolve, reject }))
    },
    complete: () => { pending.shift()?.resolve() },
    fail: (err) => { pending.shift()?.reject(err) }
  }
}

const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false
  void promise.then(() => { done = true }, () => { done = true })
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
  return done
}

describe('write queue', () => {
  it('takes chunks at once below its limit, batches them, and holds the writer back at the limit until the disk catches up', async () => {
    const disk = slowDisk()
    const queue = createWriteQueue(disk.writev, 10)
    await queue.write(Buffer.alloc(4)) // starts the first batch
    await queue.write(Buffer.alloc(4))
    expect(queue.queuedBytes).toBe(8)
    const blocked = queue.write(Buffer.alloc(4))
    expect(await settled(blocked)).toBe(false)
    disk.complete() // the first batch: 4 bytes
    // 8 bytes remain queued, below the limit: the writer may go on.
    expect(await settled(blocked)).toBe(true)
    expect(disk.batches.map((batch) => batch.length)).toEqual([1, 2])
    disk.complete()
    await queue.flush()
    expect(queue.queuedBytes).toBe(0)
  })

  it('reports a failed write to the next write and to flush', async () => {
    const disk = slowDisk()
    const queue = createWriteQueue(disk.writev, 100)
    await queue.write(Buffer.alloc(1))
    disk.fail(new Error('disk full'))
    await expect(queue.flush()).rejects.toThrow('disk full')
    await expect(queue.write(Buffer.alloc(1))).rejects.toThrow('disk full')
  })

  it('keeps the order of the bytes across batches', async () => {
    const written: number[] = []
    const queue = createWriteQueue(async (chunks) => {
      await new Promise((resolve) => setImmediate(resolve))
      for (const chunk of chunks) written.push(...chunk)
    }, 3)
    for (let i = 0; i < 20; i++) await queue.write(Buffer.from([i]))
    await queue.flush()
    expect(written).toEqual(Array.from({ length: 20 }, (_, i) => i))
  })
})
