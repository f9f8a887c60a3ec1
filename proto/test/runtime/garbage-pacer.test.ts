import { constants, PerformanceObserver } from 'node:perf_hooks'
import type { PerformanceEntry } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { startGarbagePacer } from '../../src/runtime/garbage-pacer.js'
import type { GarbagePacer } from '../../src/runtime/garbage-pacer.js'

/** Counts the young-generation collections from now on. */
function watchMinorCollections (): { count: () => number, stop: () => void } {
  let count = 0
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as Array<PerformanceEntry & { detail?: { kind?: number } }>) {
      if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) count++
    }
  })
  observer.observe({ entryTypes: ['gc'] })
  return { count: () => count, stop: () => { observer.disconnect() } }
}

/** Keeps the event loop busy for `ms` without allocating: spins in short turns that let timers run. */
async function spin (ms: number): Promise<void> {
  const until = Date.now() + ms
  let sink = 0
  while (Date.now() < until) {
    const turn = Date.now() + 5
    while (Date.now() < turn) sink = (sink + 1) % 1_000_003
    await new Promise((resolve) => setImmediate(resolve))
  }
  expect(sink).toBeGreaterThanOrEqual(0)
}

describe('the garbage pacer', () => {
  let pacer: GarbagePacer | null = null
  afterEach(() => { pacer?.stop(); pacer = null })

  it('collects the young generation while the event loop is busy, and leaves an idle process alone', async () => {
    pacer = startGarbagePacer({ everyMs: 5, watchMs: 100 })
    const busy = watchMinorCollections()
    await spin(600)
    // Let the last observations be delivered.
    await sleep(20)
    busy.stop()
    // About one every 5 ms once the first watch saw the loop busy; this loop allocates nothing to collect.
    expect(busy.count()).toBeGreaterThanOrEqual(30)

    // The next watch sees the loop idle and stops collecting.
    await sleep(250)
    const idle = watchMinorCollections()
    await sleep(400)
    idle.stop()
    // Nothing of its own: at most a collection the test runner's own work needed.
    expect(idle.count()).toBeLessThanOrEqual(2)
  })
})
