// When a download streaming from one holder that told no send cap spreads over the others: only when
// the reader waits on the bytes while the machine has CPU to spare, judged over windows of a few
// pieces. Time and CPU are passed in; no timers. (A holder that tells its cap: stream-first.test.ts.)
import { describe, expect, it } from 'vitest'
import { createSpreadPolicy, SPARE_CORES, WAITING_LOOP } from '../../src/transfers/spread-policy.js'

/** Pieces every `everyMs` from `from` on; the reader's buffer full during `fullShare` of each gap. Returns the first decision to spread (its piece), or null. */
function run (options: { pieces: number, everyMs: number, fullShare: number, cores: number, loopBusy?: number }): number | null {
  const policy = createSpreadPolicy({ startedAt: 0 })
  let now = 0
  for (let piece = 0; piece < options.pieces; piece++) {
    const fullFor = options.everyMs * options.fullShare
    policy.readerFull(true, now)
    policy.readerFull(false, now + fullFor)
    now += options.everyMs
    if (policy.pieceAccepted(now, () => ({ spareCores: options.cores, loopBusy: options.loopBusy ?? 1 }))?.spread === true) return piece
  }
  return null
}

describe('the spread policy', () => {
  it('spreads once a window after the first piece shows the reader waiting and the CPU idle', () => {
    // The first piece starts the window; two more of 150 ms make it long enough to judge.
    expect(run({ pieces: 10, everyMs: 150, fullShare: 0.1, cores: 1.5 })).toBe(2)
  })

  it('never spreads while the machine has less than the spare CPU it asks for and the loop is busy', () => {
    expect(run({ pieces: 40, everyMs: 150, fullShare: 0, cores: SPARE_CORES - 0.1, loopBusy: 0.8 })).toBeNull()
  })

  it('spreads on a busy machine when this process mostly waited for the bytes (a capped holder, other processes busy)', () => {
    expect(run({ pieces: 10, everyMs: 150, fullShare: 0, cores: 0, loopBusy: WAITING_LOOP - 0.1 })).toBe(2)
  })

  it('does not spread at the first piece, however fast it came: the windows start after it', () => {
    const policy = createSpreadPolicy({ startedAt: 0 })
    expect(policy.pieceAccepted(10, () => ({ spareCores: 2, loopBusy: 0 }))).toBeNull()
  })

  it('never spreads while the reader keeps its buffer full (the user, not the holder, sets the pace)', () => {
    expect(run({ pieces: 40, everyMs: 150, fullShare: 0.8, cores: 2 })).toBeNull()
  })

  it('judges no window shorter than a few hundred milliseconds, however many pieces it holds', () => {
    // 20 ms pieces: the first judgement comes after 200 ms of them.
    expect(run({ pieces: 40, everyMs: 20, fullShare: 0, cores: 2 })).toBe(10)
  })
})
