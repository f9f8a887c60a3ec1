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

/**
 * Waits until the pacer settled `times` times, looking every 100 ms: waitFor's 10 ms polls alone keep a
 * loaded test worker's event loop busy about 2% of the time, the mark the pacer settles under.
 */
async function untilSettled (pacer: GarbagePacer, times: number): Promise<void> {
  for (let tries = 0; tries < 150; tries++) {
    if (pacer.settled() >= times) return
    await sleep(100)
  }
  throw new Error(`the pacer settled ${pacer.settled()} times, not ${times}`)
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

  it('settles once quiet after starting and again after a busy spell, never while busy', async () => {
    pacer = startGarbagePacer({ watchMs: 250, everyMs: 5, settleAfterMs: 500, settleGapMs: 0 })
    await untilSettled(pacer, 1)
    await moveBuffers(150)
    expect(pacer.busy()).toBe(true)
    expect(pacer.settled()).toBe(1)
    await untilSettled(pacer, 2)
    // Quiet, and settled already: nothing more to do.
    await sleep(1000)
    expect(pacer.settled()).toBe(2)
  })

  it('does not settle while the loop is a little busy (a transfer at a low rate)', async () => {
    pacer = startGarbagePacer({ watchMs: 250, everyMs: 5, settleAfterMs: 500, settleGapMs: 0 })
    await untilSettled(pacer, 1)
    await moveBuffers(50)
    // 2 ms of work every 30 ms: busy less than the buffer collector asks for, but never quiet for long.
    const work = setInterval(() => { const until = performance.now() + 2; while (performance.now() < until); }, 30)
    await sleep(1500)
    clearInterval(work)
    expect(pacer.settled()).toBe(1)
    await untilSettled(pacer, 2)
  })

  it('settles at most once per gap, however often the process comes and goes', async () => {
    pacer = startGarbagePacer({ watchMs: 250, everyMs: 5, settleAfterMs: 500, settleGapMs: 60_000 })
    await untilSettled(pacer, 1)
    await moveBuffers(100)
    await sleep(1200)
    expect(pacer.settled()).toBe(1)
  })

  it("gives V8's heap back once the garbage of a busy spell is left", async () => {
    pacer = startGarbagePacer({ watchMs: 250, everyMs: 5, settleAfterMs: 500, settleGapMs: 0 })
    await untilSettled(pacer, 1)
    // About 80 MiB of small objects, kept until all exist (so they reach the old generation), then dropped.
    let kept: Array<Array<{ at: number }>> | null = []
    for (let i = 0; i < 400; i++) {
      kept.push(Array.from({ length: 10_000 }, (_, at) => ({ at })))
      if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    expect(kept.length).toBe(400)
    kept = null
    const grown = process.memoryUsage().heapTotal
    await untilSettled(pacer, 2)
    expect(process.memoryUsage().heapTotal).toBeLessThan(grown - 40 * MiB)
  })
})
