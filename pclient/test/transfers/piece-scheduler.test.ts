// The multi-source scheduler's decisions with plain numbers: no streams, no peers, time passed in.
// multi-source.test.ts checks the same behaviour through real streams from real pservers.
import { describe, expect, it } from 'vitest'
import { createPieceScheduler } from '../../src/transfers/piece-scheduler.js'
import type { PieceScheduler } from '../../src/transfers/piece-scheduler.js'

function scheduler (holders: number, pieces: number, window = 8): PieceScheduler<string> {
  return createPieceScheduler<string>({ pieces: { first: 0, end: pieces }, holders, window, firstGuessPieceMs: 1000 })
}

/** Hands on every piece that is ready in order; the pieces handed on. */
function handOnReady (schedule: PieceScheduler<string>): string[] {
  const out: string[] = []
  for (let piece = schedule.nextReady(); piece != null; piece = schedule.nextReady()) {
    out.push(piece)
    schedule.handedOn()
  }
  return out
}

/**
 * Runs a whole download: holder h takes `durations[h]` ms per piece (Infinity: it stalls), and fails
 * the pieces `fails(h, index)` says. Idle holders ask again after idleWaitMs or at the next arrival.
 * Returns who delivered each piece the user got, in order.
 */
function simulate (schedule: PieceScheduler<string>, durations: number[] | Array<(now: number) => number>, fails: (holder: number, index: number) => boolean = () => false): { deliveredBy: number[], holdersLeft: number } {
  const due = new Map<number, { at: number, index: number | null }>()
  const deliveredBy: number[] = []
  let holdersLeft = durations.length
  const ask = (holder: number, now: number): void => {
    if (schedule.isDropped(holder) || schedule.finished) { due.delete(holder); return }
    const index = schedule.assign(holder, now)
    const duration = durations[holder] ?? 0
    due.set(holder, index == null ? { at: now + schedule.idleWaitMs(), index: null } : { at: now + (typeof duration === 'number' ? duration : duration(now)), index })
  }
  for (const holder of durations.keys()) ask(holder, 0)
  for (let steps = 0; !schedule.finished && holdersLeft > 0 && steps < 10_000; steps++) {
    const [holder, event] = [...due.entries()].sort(([, a], [, b]) => a.at - b.at)[0] ?? []
    if (holder == null || event == null || event.at === Infinity) break
    const now = event.at
    if (event.index == null) { ask(holder, now); continue }
    if (fails(holder, event.index)) {
      holdersLeft = schedule.failed(holder, event.index).holdersLeft
      due.delete(holder)
    } else {
      const { redundant } = schedule.arrived(holder, event.index, `${event.index}@${holder}`, now)
      // A cancelled fetch ends at once and its holder asks again.
      for (const other of redundant) ask(other, now)
      for (const piece of handOnReady(schedule)) deliveredBy.push(Number(piece.split('@')[1]))
    }
    ask(holder, now)
    // Idle holders are woken by the change.
    for (const [other, pending] of due.entries()) if (pending.index == null) ask(other, now)
  }
  return { deliveredBy, holdersLeft }
}

describe('piece scheduler', () => {
  it('gives each holder the lowest piece nobody has, within the window', () => {
    const schedule = scheduler(3, 10, 4)
    expect([schedule.assign(0, 0), schedule.assign(1, 0), schedule.assign(2, 0), schedule.assign(0, 0)]).toEqual([0, 1, 2, 3])
    // Pieces 0-3 fill the window: nothing more until the user's position moves.
    expect(schedule.assign(1, 0)).toBeNull()
    schedule.arrived(0, 0, 'zero', 10)
    expect(handOnReady(schedule)).toEqual(['zero'])
    expect(schedule.assign(1, 10)).toBe(4)
  })

  it('uses every holder, and a faster holder takes more pieces', () => {
    const schedule = scheduler(3, 12, 6)
    const { deliveredBy } = simulate(schedule, [10, 20, 40])
    expect(deliveredBy).toHaveLength(12)
    expect(new Set(deliveredBy)).toEqual(new Set([0, 1, 2]))
    const count = (holder: number): number => deliveredBy.filter((by) => by === holder).length
    expect(count(0)).toBeGreaterThan(count(2))
    expect(schedule.finished).toBe(true)
  })

  it('gives a holder that becomes slow mid-download fewer pieces from then on', () => {
    const schedule = scheduler(2, 40, 4)
    // Both take 10 ms a piece; from 100 ms on, holder 0 takes 80 ms.
    const { deliveredBy } = simulate(schedule, [(now) => now < 100 ? 10 : 80, () => 10])
    expect(deliveredBy).toHaveLength(40)
    const early = deliveredBy.slice(0, 10)
    const late = deliveredBy.slice(20)
    const share = (pieces: number[]): number => pieces.filter((by) => by === 0).length / pieces.length
    expect(share(early)).toBeGreaterThanOrEqual(0.4)
    expect(share(late)).toBeLessThan(0.25)
  })

  it('starting with one holder, takes on the second when the first is capped and the reader waits', () => {
    const schedule = createPieceScheduler<string>({ pieces: { first: 0, end: 20 }, holders: 2, window: 8, windowPerHolder: 2, startHolders: 1 })
    const { deliveredBy } = simulate(schedule, [200, 200])
    expect(deliveredBy.slice(0, 2)).toEqual([0, 0])
    expect(deliveredBy.filter((by) => by === 1).length).toBeGreaterThanOrEqual(8)
    expect(schedule.activeHolders).toBe(2)
  })

  it('starting with one holder, leaves the second idle when two are no faster than one (a busy machine)', () => {
    const schedule = createPieceScheduler<string>({ pieces: { first: 0, end: 200 }, holders: 2, window: 8, windowPerHolder: 2, startHolders: 1 })
    // One CPU for all: a piece takes 10 ms for each holder at work.
    const sharing = (): number => 10 * schedule.activeHolders
    const { deliveredBy } = simulate(schedule, [sharing, sharing])
    expect(deliveredBy).toHaveLength(200)
    // A probe now and then (a piece each): everything else from the first holder.
    expect(deliveredBy.filter((by) => by === 1).length).toBeLessThanOrEqual(3)
    expect(schedule.activeHolders).toBe(1)
  })

  it('hands pieces on in order, holding one that arrived early until its turn', () => {
    const schedule = scheduler(2, 3)
    schedule.assign(0, 0)
    schedule.assign(1, 0)
    expect(schedule.arrived(1, 1, 'one', 5)).toEqual({ kept: true, redundant: [] })
    expect(handOnReady(schedule)).toEqual([])
    schedule.arrived(0, 0, 'zero', 6)
    expect(handOnReady(schedule)).toEqual(['zero', 'one'])
    expect(schedule.next).toBe(2)
    expect(schedule.finished).toBe(false)
  })

  it('fetches a corrupt piece again from another holder and drops the holder that sent it', () => {
    const schedule = scheduler(3, 6)
    expect([schedule.assign(0, 0), schedule.assign(1, 0), schedule.assign(2, 0)]).toEqual([0, 1, 2])
    expect(schedule.failed(0, 0)).toEqual({ dropped: true, abandoned: [], holdersLeft: 2 })
    expect(schedule.isDropped(0)).toBe(true)
    expect(schedule.assign(0, 1)).toBeNull()
    // Piece 0 went back in line ahead of the pieces nobody has taken yet.
    schedule.arrived(1, 1, 'one', 2)
    expect(schedule.assign(1, 2)).toBe(0)
  })

  it('moves the pieces of a holder that goes away mid-download to the others', () => {
    const schedule = scheduler(2, 6)
    // Two lanes at holder 0: pieces 0 and 2 are out there when it goes away.
    expect([schedule.assign(0, 0), schedule.assign(1, 0), schedule.assign(0, 0)]).toEqual([0, 1, 2])
    expect(schedule.failed(0, 2)).toEqual({ dropped: true, abandoned: [0], holdersLeft: 1 })
    // Its other lane's fetch, cancelled, may still fail on its own: nothing changes.
    expect(schedule.failed(0, 0)).toEqual({ dropped: false, abandoned: [], holdersLeft: 1 })
    schedule.arrived(1, 1, 'one', 1)
    expect(schedule.assign(1, 1)).toBe(0)
    schedule.arrived(1, 0, 'zero', 2)
    expect(schedule.assign(1, 2)).toBe(2)
  })

  it('finishes from the others when a holder goes away in a whole download', () => {
    const schedule = scheduler(3, 10, 6)
    const { deliveredBy, holdersLeft } = simulate(schedule, [10, 10, 10], (holder, index) => holder === 0 && index >= 3)
    expect(holdersLeft).toBe(2)
    expect(deliveredBy).toHaveLength(10)
    expect(deliveredBy.slice(3)).not.toContain(0)
  })

  it('is not held up by a holder that stalls: the late piece is fetched from another one too', () => {
    const schedule = scheduler(2, 14, 4)
    expect(schedule.assign(0, 0)).toBe(0)
    for (const index of [1, 2, 3]) {
      expect(schedule.assign(1, index * 100)).toBe(index)
      schedule.arrived(1, index, String(index), index * 100 + 100)
    }
    // The window is full behind piece 0, which is out at holder 0. Not late yet: that takes twice the
    // usual piece time (about 560 ms after three pieces of 100 ms).
    expect(schedule.assign(1, 1000)).toBeNull()
    const late = 1200
    expect(schedule.assign(1, late)).toBe(0)
    // Holder 1's copy wins; holder 0's is no longer needed.
    expect(schedule.arrived(1, 0, 'zero', late + 50)).toEqual({ kept: true, redundant: [0] })
    expect(handOnReady(schedule)).toEqual(['zero', '1', '2', '3'])
  })

  it('finishes a whole download when one holder never delivers', () => {
    const schedule = scheduler(2, 14, 4)
    const { deliveredBy } = simulate(schedule, [Infinity, 50])
    expect(deliveredBy).toEqual(Array(14).fill(1))
    expect(schedule.finished).toBe(true)
  })

  it('races the last piece at once when nothing else is left (end game)', () => {
    const schedule = scheduler(2, 2)
    expect([schedule.assign(0, 0), schedule.assign(1, 0)]).toEqual([0, 1])
    schedule.arrived(1, 1, 'one', 10)
    expect(schedule.assign(1, 10)).toBe(0)
    // Whichever copy comes first is kept; the other, if it still arrives, is not.
    expect(schedule.arrived(0, 0, 'zero from 0', 11)).toEqual({ kept: true, redundant: [1] })
    expect(schedule.arrived(1, 0, 'zero from 1', 12)).toEqual({ kept: false, redundant: [] })
    expect(handOnReady(schedule)).toEqual(['zero from 0', 'one'])
    expect(schedule.finished).toBe(true)
    expect(schedule.assign(0, 12)).toBeNull()
  })

  it('does not queue a piece again while another holder is fetching it', () => {
    const schedule = scheduler(3, 2)
    expect([schedule.assign(0, 0), schedule.assign(1, 0)]).toEqual([0, 1])
    expect(schedule.assign(2, 0)).toBe(0)
    schedule.failed(0, 0)
    // Piece 0 is still out at holder 2, and piece 1 at holder 1: nothing for holder 1 to take but a race.
    schedule.arrived(1, 1, 'one', 5)
    expect(schedule.assign(1, 5)).toBe(0)
    expect(schedule.arrived(2, 0, 'zero', 6)).toEqual({ kept: true, redundant: [1] })
  })

  it('starts from the next holders when the first ones are gone, and fails when none is left', () => {
    const schedule = scheduler(3, 4)
    expect([schedule.assign(0, 0), schedule.assign(1, 0), schedule.assign(2, 0)]).toEqual([0, 1, 2])
    expect(schedule.failed(0, 0).holdersLeft).toBe(2)
    expect(schedule.failed(1, 1).holdersLeft).toBe(1)
    schedule.arrived(2, 2, 'two', 5)
    expect(schedule.assign(2, 5)).toBe(0)
    schedule.arrived(2, 0, 'zero', 6)
    expect(schedule.assign(2, 6)).toBe(1)
    expect(schedule.failed(2, 1)).toEqual({ dropped: true, abandoned: [], holdersLeft: 0 })
  })

  it('waits between 50 ms and 1 s when idle, half the usual piece time', () => {
    const fast = scheduler(1, 20)
    for (let index = 0; index < 19; index++) {
      fast.assign(0, index * 10)
      fast.arrived(0, index, String(index), index * 10 + 1)
      handOnReady(fast)
    }
    expect(fast.idleWaitMs()).toBe(50)
    const slow = scheduler(1, 20)
    for (let index = 0; index < 19; index++) {
      slow.assign(0, index * 10_000)
      slow.arrived(0, index, String(index), index * 10_000 + 9_000)
      handOnReady(slow)
    }
    expect(slow.idleWaitMs()).toBe(1000)
  })

  it('has nothing to fetch for an empty range', () => {
    const schedule = createPieceScheduler<string>({ pieces: { first: 0, end: 0 }, holders: 2, window: 4 })
    expect(schedule.finished).toBe(true)
    expect(schedule.assign(0, 0)).toBeNull()
  })
})
