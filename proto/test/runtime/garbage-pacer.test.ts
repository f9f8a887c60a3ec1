import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { externalBytes } from '../../src/runtime/buffer-collector.js'
import { startGarbagePacer } from '../../src/runtime/garbage-pacer.js'
import type { GarbagePacer } from '../../src/runtime/garbage-pacer.js'
import { waitFor, watchCollections } from './gc-watch.js'

const MiB = 1024 * 1024

/**
 * Keeps the event loop busy moving `mib` MiB through 1 MiB buffers that die at once, as a transfer's
 * chunks do; spins a few ms per buffer so that timers run in between. Returns the most the buffers
 * outside the heap grew meanwhile.
 */
async function moveBuffers (mib: number): Promise<number> {
  const start = externalBytes()
  let most = 0
  for (let i = 0; i < mib; i++) {
    const chunk = Buffer.alloc(MiB, i % 256)
    const turn = Date.now() + 2
    while (Date.now() < turn) most = Math.max(most, chunk[i % MiB]! - 256)
    most = Math.max(most, externalBytes() - start)
    await new Promise((resolve) => setImmediate(resolve))
  }
  return most
}

describe('the garbage pacer', () => {
  let pacer: GarbagePacer | null = null
  afterEach(() => { pacer?.stop(); pacer = null })

  it('collects as the bytes moved grow while the event loop is busy, and leaves an idle process alone', async () => {
    pacer = startGarbagePacer({ watchMs: 50, everyMs: 5, youngSlackBytes: 8 * MiB, oldSlackBytes: 1024 * MiB })
    const busy = watchCollections()
    const most = await moveBuffers(300)
    // Let the last observations be delivered.
    await sleep(20)
    busy.stop()
    expect(pacer.busy()).toBe(true)
    // About one per 8 MiB once the first watch saw the loop busy; V8 alone would wait for ~64 MiB.
    expect(busy.minor()).toBeGreaterThanOrEqual(10)
    expect(most).toBeLessThan(40 * MiB)

    await waitFor('the pacer to see the loop idle', () => !pacer!.busy())
    const idle = watchCollections()
    // Handed to nothing but a sum, so that they are garbage.
    expect(Array.from({ length: 30 }, () => Buffer.alloc(MiB, 1)).reduce((sum, buffer) => sum + buffer.length, 0)).toBe(30 * MiB)
    await sleep(200)
    idle.stop()
    // Nothing of its own: at most a collection the test runner's own work needed.
    expect(idle.minor()).toBeLessThanOrEqual(2)
  })
})
