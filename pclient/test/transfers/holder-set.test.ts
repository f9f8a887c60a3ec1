// Which holders of a multi-source download are at work, decided with plain numbers (time passed in):
// the first holder alone while it keeps up, the others taken on while they make the download faster,
// let go when they do not, and taken on again when the holders at work slow down.
import { describe, expect, it } from 'vitest'
import { createHolderSet } from '../../src/transfers/holder-set.js'
import type { HolderSet } from '../../src/transfers/holder-set.js'

/**
 * Pieces arrive from the holders at work in turn, one every `gapMs(activeCount)` ms; the reader's
 * buffer is full `fullShare` of the time between two arrivals. Runs until `until` ms; returns the
 * active count seen after each arrival.
 */
function run (set: HolderSet, options: { from: number, until: number, gapMs: (active: number) => number, fullShare?: number }): number[] {
  const seen: number[] = []
  let holder = 0
  for (let now = options.from; now < options.until;) {
    const gap = options.gapMs(set.activeCount)
    const fullFor = gap * (options.fullShare ?? 0)
    if (fullFor > 0) {
      set.readerFull(true, now)
      set.readerFull(false, now + fullFor)
    }
    now += gap
    // The next holder at work delivers (round robin over the ones at work).
    for (let tries = 0; tries < 10 && !set.isActive(holder); tries++) holder = (holder + 1) % 10
    set.arrived(holder, now)
    holder = (holder + 1) % 10
    seen.push(set.activeCount)
  }
  return seen
}

describe('the holders at work', () => {
  it('starts with the first holder alone', () => {
    const set = createHolderSet({ holders: 3, now: 0 })
    expect([set.isActive(0), set.isActive(1), set.isActive(2), set.activeCount]).toEqual([true, false, false, 1])
  })

  it('keeps a holder that keeps up with the reader alone: the reader, not the holder, is the limit', () => {
    const set = createHolderSet({ holders: 2, now: 0 })
    const seen = run(set, { from: 0, until: 10_000, gapMs: () => 10, fullShare: 0.8 })
    expect(seen).toHaveLength(1000)
    expect(Math.max(...seen)).toBe(1)
  })

  it('lets a second holder go when taking it on does not make the download faster (one busy machine)', () => {
    const set = createHolderSet({ holders: 2, now: 0 })
    // The machine's CPU is the limit: a piece every 10 ms however many holders send.
    const seen = run(set, { from: 0, until: 1000, gapMs: () => 10 })
    // It tried once, from the second piece on, judged four pieces after the second holder's first,
    // and let it go.
    expect(seen.slice(0, 7)).toEqual([1, 2, 2, 2, 2, 2, 1])
    expect(seen.slice(7).every((count) => count === 1)).toBe(true)
    // After the backoff it probes again, and lets it go again.
    const later = run(set, { from: 1000, until: 4000, gapMs: () => 10 })
    expect(later.filter((count) => count === 2).length).toBeGreaterThan(0)
    expect(later[later.length - 1]).toBe(1)
  })

  it('takes on more holders when the first is capped, and keeps them while they pay', () => {
    const set = createHolderSet({ holders: 4, now: 0 })
    // Each holder sends a piece every 200 ms (a capped uplink): together they are four times as fast.
    const seen = run(set, { from: 0, until: 4000, gapMs: (active) => 200 / active })
    expect(seen.slice(0, 2)).toEqual([1, 4])
    expect(seen.slice(2).every((count) => count === 4)).toBe(true)
    // A while later it tries with the first alone: pieces come four times slower, so the others come back.
    const later = run(set, { from: 4000, until: 8000, gapMs: (active) => 200 / active })
    expect(later).toContain(1)
    expect(later[later.length - 1]).toBe(4)
  })

  it('lets the others go again when they stop paying (the machine, not the holders, sets the pace)', () => {
    const set = createHolderSet({ holders: 2, now: 0 })
    run(set, { from: 0, until: 2000, gapMs: (active) => 100 / active })
    expect(set.activeCount).toBe(2)
    // Now a piece every 10 ms however many holders send: without the second holder, nothing is lost.
    const seen = run(set, { from: 2000, until: 9000, gapMs: () => 10 })
    expect(seen[seen.length - 1]).toBe(1)
    // It was let go about 4 s after it was taken on; since then only the short trials of taking it on
    // again (backed off) see two at work.
    const lastThreeSeconds = seen.slice(-300)
    expect(lastThreeSeconds.filter((count) => count === 2).length).toBeLessThan(lastThreeSeconds.length * 0.05)
  })

  it('takes on another holder at once when the one at work becomes slow, before the backoff is over', () => {
    const set = createHolderSet({ holders: 2, now: 0 })
    // First the one holder is as fast as the machine allows: the probe fails and backs off 2 s.
    run(set, { from: 0, until: 100, gapMs: () => 10 })
    expect(set.activeCount).toBe(1)
    // Then its disk gets busy: a piece every 50 ms alone, and the other holder adds its own 50 ms.
    const seen = run(set, { from: 100, until: 600, gapMs: (active) => 50 / active })
    expect(seen).toContain(2)
    expect(seen[seen.length - 1]).toBe(2)
  })

  it('replaces a holder that fails by the next one, and lets one not at work that won a late piece join', () => {
    const set = createHolderSet({ holders: 3, now: 0 })
    set.dropped(0)
    expect([set.isActive(0), set.isActive(1), set.activeCount]).toEqual([false, true, 1])
    set.arrived(1, 90)
    expect(set.activeCount).toBe(1)
    set.arrived(2, 100, true)
    expect([set.isActive(2), set.activeCount]).toEqual([true, 2])
    set.dropped(1)
    set.dropped(2)
    expect(set.activeCount).toBe(0)
  })

  it('never changes when every holder starts at work', () => {
    const set = createHolderSet({ holders: 3, start: 3, now: 0 })
    run(set, { from: 0, until: 1000, gapMs: () => 10 })
    expect(set.activeCount).toBe(3)
  })
})
