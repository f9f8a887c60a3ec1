// When a download streaming from one holder spreads over the others: only when the reader waits on
// the bytes while the machine has CPU to spare, judged over windows of a few pieces. Time and CPU
// are passed in; no timers.
import { describe, expect, it } from 'vitest'
import { AT_CAP, createSpreadPolicy, SPARE_CORES, WAITING_LOOP } from '../../src/transfers/spread-policy.js'

/** Pieces every `everyMs` from `from` on; the reader's buffer full during `fullShare` of each gap. Returns the first decision to spread (its piece), or null. */
const PIECE = 4 * 1024 * 1024

function run (options: { pieces: number, everyMs: number, fullShare: number, cores: number, loopBusy?: number, cap?: number }): number | null {
  const policy = createSpreadPolicy({ startedAt: 0, pieceBytes: PIECE, sendCap: () => options.cap ?? null })
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

  it('spreads at the first piece, even on a busy machine, when the holder sent it at about the cap it told', () => {
    // A piece every 250 ms is 16 MiB/s.
    const rate = PIECE * 1000 / 250
    expect(run({ pieces: 10, everyMs: 250, fullShare: 0, cores: 0, loopBusy: 0.9, cap: 0.99 * rate / AT_CAP })).toBe(0)
    expect(run({ pieces: 40, everyMs: 250, fullShare: 0, cores: 0, loopBusy: 0.9, cap: 1.1 * rate / AT_CAP })).toBeNull()
  })

  it('judges a capped holder whose first piece came slower than its cap (a slow start) by the next piece', () => {
    const policy = createSpreadPolicy({ startedAt: 0, pieceBytes: PIECE, sendCap: () => PIECE * 1000 / 200 })
    const cpu = (): { spareCores: number, loopBusy: number } => ({ spareCores: 0, loopBusy: 0.9 })
    // Connecting took 400 ms: the first piece came at half the cap; the second, 200 ms later, at the cap.
    expect(policy.pieceAccepted(600, cpu)).toBeNull()
    expect(policy.pieceAccepted(800, cpu)).toMatchObject({ spread: true, atCap: true, readerWaited: true })
  })

  it('does not spread at the first piece from a holder that told no cap, however fast it came', () => {
    const policy = createSpreadPolicy({ startedAt: 0, pieceBytes: PIECE, sendCap: () => null })
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
