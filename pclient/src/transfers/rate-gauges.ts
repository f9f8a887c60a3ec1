// The two measures holder-set.ts decides by: how fast pieces arrive, and whether the reader waited on
// them (its buffer empty) or they on the reader (its buffer full). Pure, time passed in.

/** The reader counts as waiting on the holders when its buffer was full less than this share of the time. */
const READER_FULL_SHARE = 0.5

/**
 * Pieces per ms over the times remembered: the last change of the holders at work (or the download's
 * start), then the arrivals since, the oldest dropped once there are enough for a steady rate.
 */
export function steadyRate (arrivals: readonly number[]): number | null {
  const first = arrivals[0]
  const last = arrivals[arrivals.length - 1]
  return first != null && last != null && last > first ? (arrivals.length - 1) / (last - first) : null
}

/** The share of time the reader's buffer was full, between two questions. */
export function createReaderGauge (startedAt: number): { full: (full: boolean, now: number) => void, waitedSince: (now: number) => boolean } {
  let measuredSince = startedAt
  let fullMs = 0
  let fullSince: number | null = null
  return {
    full (full, now) {
      if (full && fullSince == null) fullSince = now
      if (!full && fullSince != null) {
        fullMs += now - fullSince
        fullSince = null
      }
    },
    /** The buffer was full less than half of the time since the last question: the reader waited on the holders. */
    waitedSince (now) {
      const full = fullMs + (fullSince == null ? 0 : now - fullSince)
      const span = now - measuredSince
      measuredSince = now
      fullMs = 0
      if (fullSince != null) fullSince = now
      return span <= 0 || full / span < READER_FULL_SHARE
    }
  }
}
