// The page's central reads are shared for a moment: one request for a burst of callers, a fresh one
// after the moment or an invalidation, and failures are never kept.
import type { CentralClient } from '@p2p/proto'
import { describe, expect, it } from 'vitest'
import { shareCentralReads } from '../src/central-reads.js'

function countingCentral (): { central: CentralClient, calls: () => number, fail: (value: boolean) => void } {
  let calls = 0
  let failing = false
  const central = {
    listFiles: async () => {
      calls++
      await new Promise((resolve) => setTimeout(resolve, 5))
      if (failing) throw new Error('central down')
      return []
    },
    locate: async () => { calls++; throw new Error('never cached') }
  } as unknown as CentralClient
  return { central, calls: () => calls, fail: (value) => { failing = value } }
}

describe('shareCentralReads', () => {
  it('shares one request among concurrent and recent callers, then asks again', async () => {
    let time = 0
    const { central, calls } = countingCentral()
    const reads = shareCentralReads(central, 1000, () => time)
    await Promise.all([reads.central.listFiles(), reads.central.listFiles(), reads.central.listFiles()])
    await reads.central.listFiles()
    expect(calls()).toBe(1)
    time = 1000
    await reads.central.listFiles()
    expect(calls()).toBe(2)
    reads.invalidate()
    await reads.central.listFiles()
    expect(calls()).toBe(3)
  })

  it('keeps no failure, and never caches transfers', async () => {
    const { central, calls, fail } = countingCentral()
    const reads = shareCentralReads(central, 1000, () => 0)
    fail(true)
    await expect(reads.central.listFiles()).rejects.toThrow('central down')
    fail(false)
    await expect(reads.central.listFiles()).resolves.toEqual([])
    expect(calls()).toBe(2)
    await expect(reads.central.locate('a')).rejects.toThrow()
    await expect(reads.central.locate('a')).rejects.toThrow()
    expect(calls()).toBe(4)
  })
})
