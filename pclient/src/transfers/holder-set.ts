// Which holders of a multi-source download fetch pieces: the best one alone at first, the others only
// while they pay. Every holder the download adds costs CPU on every machine the bytes pass (another
// gRPC stream to assemble, hash and interleave), so more holders are worth it only when the ones at
// work are the bottleneck (a rate-capped uplink, a busy disk), not when the user's connection or this
// machine's CPU is. Pure decisions, time passed in (piece-scheduler.ts consults it; tests drive it).
//
// The rule, like a probe: while the holders at work keep the reader waiting (the reader's buffer was
// full less than half of the time), every other holder is taken on at once; once each of them has
// delivered a piece, the rate since then is compared with the rate before. At least GAIN times more
// and they stay; less and they are let go (they finish the piece they have), and the next probe waits
// a while, twice as long after each failure, unless the rate falls far below what it was (a holder
// that became slow). A holder that fails is replaced by the next one at once, without a probe, and
// one not at work that delivered a piece the others were late with (the scheduler lets it race
// such a piece) joins them.
import type { HolderIndex } from './piece-scheduler.js'

/** How much faster the download must become for the holders taken on to stay. */
const GAIN = 1.5
/** The reader counts as waiting on the holders when its buffer was full less than this share of the time. */
const READER_FULL_SHARE = 0.5
/** The wait before probing again after a probe that did not pay: doubled after each one, up to the maximum. */
const FIRST_BACKOFF_MS = 2000
const MAX_BACKOFF_MS = 30_000
/** A rate this far below the one a failed probe started from probes again at once. */
const SLOWDOWN = 0.5
/** Arrivals remembered for the steady rate. */
const RECENT_ARRIVALS = 8

export interface HolderSetOptions {
  /** Holders 0 to holders - 1, best first (the peer's own pserver, then the least loaded). */
  holders: number
  /** How many start fetching (default 1); all of them: the set never changes except by failures. */
  start?: number
  /** When the download starts (ms, the clock the scheduler is given). */
  now: number
}

export interface HolderSet {
  isActive: (holder: HolderIndex) => boolean
  /** Holders fetching pieces now. */
  readonly activeCount: number
  /** A piece from `holder` arrived and was kept; may take holders on or let them go (one not at work joins). */
  arrived: (holder: HolderIndex, now: number) => void
  /** `holder` failed: it is out for good, and the next holder not at work takes its place. */
  dropped: (holder: HolderIndex) => void
  /** The reader's buffer became full (it holds pieces it has not read) or it asked for more. */
  readerFull: (full: boolean, now: number) => void
}

interface Probe {
  startedAt: number
  /** The rate before the probe, in pieces per ms. */
  rateBefore: number
  /** Holders taken on, and whether each has delivered a piece yet. */
  added: Map<HolderIndex, boolean>
  arrivals: number
}

export function createHolderSet (options: HolderSetOptions): HolderSet {
  const active = new Set<HolderIndex>()
  const out = new Set<HolderIndex>()
  for (let holder = 0; holder < Math.min(options.start ?? 1, options.holders); holder++) active.add(holder)
  const fixed = active.size === options.holders
  /** Times of the latest kept arrivals since the holders at work last changed. */
  const arrivals: number[] = []
  let probe: Probe | null = null
  let nextProbeAt = options.now
  let backoffMs = FIRST_BACKOFF_MS
  /** The rate a failed probe started from: far below it, the holders at work have become slow. */
  let rateAtFailure = 0
  // The reader's share of time with a full buffer, since the last arrival.
  let measuredSince = options.now
  let fullMs = 0
  let fullSince: number | null = null

  const idle = (): HolderIndex[] => {
    const waiting: HolderIndex[] = []
    for (let holder = 0; holder < options.holders; holder++) if (!active.has(holder) && !out.has(holder)) waiting.push(holder)
    return waiting
  }
  /**
   * Pieces per ms between the first and the last arrival remembered: a steady rate, without the time
   * the first piece took to start (connecting, opening the file), which would make any probe look good.
   */
  const steadyRate = (): number | null => {
    const first = arrivals[0]
    const last = arrivals[arrivals.length - 1]
    return first != null && last != null && last > first ? (arrivals.length - 1) / (last - first) : null
  }
  /** The reader's buffer was full less than half of the time since the last arrival: it waited on the holders. */
  const readerWaited = (now: number): boolean => {
    const full = fullMs + (fullSince == null ? 0 : now - fullSince)
    const span = now - measuredSince
    measuredSince = now
    fullMs = 0
    if (fullSince != null) fullSince = now
    return span <= 0 || full / span < READER_FULL_SHARE
  }

  function startProbe (rateBefore: number, now: number): void {
    const added = idle()
    probe = { startedAt: now, rateBefore, added: new Map(added.map((holder) => [holder, false])), arrivals: 0 }
    for (const holder of added) active.add(holder)
  }

  function endProbe (current: Probe, now: number): void {
    probe = null
    const rate = current.arrivals / (now - current.startedAt)
    if (rate >= GAIN * current.rateBefore) {
      backoffMs = FIRST_BACKOFF_MS
    } else {
      for (const holder of current.added.keys()) active.delete(holder)
      // Never none at work (cannot happen while a failure ends the probe; kept as a guard).
      if (active.size === 0) active.add([...current.added.keys()][0]!)
      rateAtFailure = current.rateBefore
      nextProbeAt = now + backoffMs
      backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2)
    }
    // The rate is measured afresh with the holders that stay.
    arrivals.splice(0, arrivals.length, now)
  }

  return {
    isActive: (holder) => active.has(holder),
    get activeCount () { return active.size },

    arrived (holder, now) {
      if (!active.has(holder) && !out.has(holder)) active.add(holder)
      arrivals.push(now)
      if (arrivals.length > RECENT_ARRIVALS) arrivals.shift()
      const waited = readerWaited(now)
      if (fixed) return
      if (probe != null) {
        probe.arrivals++
        if (probe.added.has(holder)) probe.added.set(holder, true)
        // One arrival says little about a rate: at least two, and one from each holder taken on.
        if ([...probe.added.values()].every(Boolean) && probe.arrivals >= 2 && now > probe.startedAt) endProbe(probe, now)
        return
      }
      const rate = steadyRate()
      if (rate == null || idle().length === 0 || !waited) return
      if (now >= nextProbeAt || rate < SLOWDOWN * rateAtFailure) startProbe(rate, now)
    },

    dropped (holder) {
      const wasActive = active.delete(holder)
      out.add(holder)
      // A failure spoils the probe's comparison: the holders at work now stay, and the rate starts afresh.
      if (probe != null) {
        probe = null
        arrivals.length = 0
      }
      const next = idle()[0]
      if (wasActive && next != null) active.add(next)
    },

    readerFull (full, now) {
      if (full && fullSince == null) fullSince = now
      if (!full && fullSince != null) {
        fullMs += now - fullSince
        fullSince = null
      }
    }
  }
}
