// When a download that streams from one holder should spread over the others (stream-first.ts): only
// when that holder is the bottleneck. That is so when the reader waits on the bytes (its buffer was
// full less than half of the time) while the holder sends at about the cap it told (SEND_BYTES_PER_SECOND), or
// this process has CPU headroom (cpu-headroom.ts): the machine has CPU to spare, or this process's
// loop mostly waited. If the reader keeps its buffer full, the user's connection sets the pace; if the
// CPU is spent and the loop busy, this machine does, and more holders would add work without adding
// speed. Judged over windows of a few pieces (the first one after connecting says little), except for a
// holder that told its cap and sent the first piece at it: it is the bottleneck by its own word, and
// every piece more from it alone is time lost (at 20 MiB/s a 4 MiB piece takes 200 ms, in which four
// such holders send four). Should the user's connection be slower still, the multi-source download's
// letting-go trial (holder-set.ts) finds that out and lets the others go. Pure, time and CPU passed in.
import type { CpuHeadroom } from './cpu-headroom.js'
import { createReaderGauge } from './rate-gauges.js'

/** Spare CPU, in cores, from which the machine counts as having room. */
export const SPARE_CORES = 0.5
/** A loop busy at most this share of the time mostly waits for the bytes. */
export const WAITING_LOOP = 0.3
/** A holder sending at least this share of its cap is held back by it. */
export const AT_CAP = 0.8
/**
 * A window is judged once it holds this many pieces and lasted this long; one piece is enough when
 * the holder told a cap (its rate is then no surprise, and every piece at it is time lost).
 */
const WINDOW_PIECES = 2
const WINDOW_PIECES_CAPPED = 1
const WINDOW_MS = 200

export interface SpreadPolicy {
  /** The reader's buffer became full, or it asked for more. */
  readerFull: (full: boolean, now: number) => void
  /** A piece passed: null, or a window's judgement. `headroom` reads the CPU headroom since it was last read. */
  pieceAccepted: (now: number, headroom: () => CpuHeadroom) => SpreadJudgement | null
}

/** What a window showed, and whether to spread. */
export interface SpreadJudgement extends CpuHeadroom {
  spread: boolean
  /** The reader waited on the bytes (its buffer full less than half of the time). */
  readerWaited: boolean
  /** The holder sent at about its cap. */
  atCap: boolean
}

export interface SpreadPolicyOptions {
  startedAt: number
  pieceBytes: number
  /** The holder's send cap, once it told it (bytes per second). */
  sendCap: () => number | null
}

export function createSpreadPolicy (options: SpreadPolicyOptions): SpreadPolicy {
  const reader = createReaderGauge(options.startedAt)
  // The first piece comes after connecting and opening the file: the windows start after it.
  let windowStart: number | null = null
  let pieces = 0
  return {
    readerFull: (full, now) => { reader.full(full, now) },
    pieceAccepted (now, headroom) {
      const cap = options.sendCap()
      if (windowStart == null) {
        windowStart = now
        // The reader had nothing while the first piece came: it waited, whatever its speed.
        reader.waitedSince(now)
        const firstAtCap = cap != null && (options.pieceBytes * 1000) / (now - options.startedAt) >= AT_CAP * cap
        const cpu = headroom()
        return firstAtCap ? { spread: true, readerWaited: true, atCap: true, ...cpu } : null
      }
      pieces++
      if (pieces < (cap == null ? WINDOW_PIECES : WINDOW_PIECES_CAPPED) || now - windowStart < WINDOW_MS) return null
      const bytesPerSecond = (pieces * options.pieceBytes * 1000) / (now - windowStart)
      windowStart = now
      pieces = 0
      const atCap = cap != null && bytesPerSecond >= AT_CAP * cap
      const readerWaited = reader.waitedSince(now)
      const { spareCores, loopBusy } = headroom()
      const spread = readerWaited && (atCap || spareCores >= SPARE_CORES || loopBusy <= WAITING_LOOP)
      return { spread, readerWaited, atCap, spareCores, loopBusy }
    }
  }
}
