// When a download that streams from one holder that told no send cap (stream-first.ts spreads at once
// from one that did) should spread over the others: only when that holder is the bottleneck. That is
// so when the reader waits on the bytes (its buffer was full less than half of the time) while this
// process has CPU headroom (cpu-headroom.ts): the machine has CPU to spare, or this process's loop
// mostly waited. If the reader keeps its buffer full, the user's connection sets the pace; if the CPU
// is spent and the loop busy, this machine does, and more holders would add work without adding
// speed. Judged over windows of a few pieces (the first one after connecting says little). Pure, time
// and CPU passed in.
import type { CpuHeadroom } from './cpu-headroom.js'
import { createReaderGauge } from './rate-gauges.js'

/** Spare CPU, in cores, from which the machine counts as having room. */
export const SPARE_CORES = 0.5
/** A loop busy at most this share of the time mostly waits for the bytes. */
export const WAITING_LOOP = 0.3
/** A window is judged once it holds this many pieces and lasted this long. */
const WINDOW_PIECES = 2
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
}

export interface SpreadPolicyOptions {
  startedAt: number
}

export function createSpreadPolicy (options: SpreadPolicyOptions): SpreadPolicy {
  const reader = createReaderGauge(options.startedAt)
  // The first piece comes after connecting and opening the file: the windows start after it.
  let windowStart: number | null = null
  let pieces = 0
  return {
    readerFull: (full, now) => { reader.full(full, now) },
    pieceAccepted (now, headroom) {
      if (windowStart == null) {
        windowStart = now
        reader.waitedSince(now)
        // Read now, so the first window's headroom covers that window only.
        headroom()
        return null
      }
      pieces++
      if (pieces < WINDOW_PIECES || now - windowStart < WINDOW_MS) return null
      windowStart = now
      pieces = 0
      const readerWaited = reader.waitedSince(now)
      const { spareCores, loopBusy } = headroom()
      const spread = readerWaited && (spareCores >= SPARE_CORES || loopBusy <= WAITING_LOOP)
      return { spread, readerWaited, spareCores, loopBusy }
    }
  }
}
