// Which holders of a multi-source download fetch pieces: the best one alone at first, the others only
// while they pay. Every holder the download adds costs CPU on every machine the bytes pass (another
// gRPC stream to assemble, hash and interleave), so more holders are worth it only when the ones at
// work are the bottleneck (a rate-capped uplink, a busy disk), not when the user's connection or this
// machine's CPU is. Pure decisions, time passed in (piece-scheduler.ts consults it; tests drive it).
//
// Two trials, each deciding by the rate at which pieces arrive, before against during:
// - Taking on: while the holders at work keep the reader waiting (its buffer was full less than half
//   of the time), every other holder is taken on at once; once each has delivered a piece (and at
//   least MIN_TRIAL_ARRIVALS pieces came), they stay if pieces came at least GAIN times faster, and
//   are let go otherwise. The next such trial waits a while, twice as long after each one that did not
//   pay, unless the rate falls far below what it was (a holder that became slow).
// - Letting go: a while after holders were taken on, all but the first at work are let go; if pieces
//   then come at more than 1/GAIN of the rate before, the others were not paying (the machine's CPU,
//   not the holders, set the pace, or a taking-on trial was fooled by a busy moment) and stay away;
//   otherwise they are taken on again and the next such trial waits twice as long.
// A holder that fails is replaced by the next one at once, and one not at work that delivered a
// piece the others were late with (the scheduler lets it race such a piece) joins them.
import { createReaderGauge, steadyRate } from './rate-gauges.js'

/** A holder, by its position in the download's list of holders (best first). */
export type HolderIndex = number

/** How much faster the download must be with more holders for them to be worth it. */
const GAIN = 1.5
/** The wait before taking on again after a trial that did not pay: doubled after each one, up to the maximum. */
const FIRST_BACKOFF_MS = 2000
const MAX_BACKOFF_MS = 30_000
/** The wait after holders were taken on before trying without them, doubled each time they proved needed. */
const FIRST_LET_GO_MS = 4000
const MAX_LET_GO_MS = 60_000
/** A rate this far below the one a failed taking-on trial started from tries again at once. */
const SLOWDOWN = 0.5
/** Pieces a trial waits for before it judges: one or two arrivals say little about a rate. */
const MIN_TRIAL_ARRIVALS = 4
/** Arrivals remembered for the steady rate. */
const RECENT_ARRIVALS = 4

export interface HolderSetOptions {
  /** Holders 0 to holders - 1, best first (the peer's own pserver, then the least loaded). */
  holders: number
  /** How many start fetching (default 1); all of them: the set never changes except by failures, unless `adaptive`. */
  start?: number
  /** Trials even when all start (the stream from one was too slow: stream-first.ts); a letting-go trial tests them. */
  adaptive?: boolean
  /** When the download starts (ms, the clock the scheduler is given). */
  now: number
}

export interface HolderSet {
  isActive: (holder: HolderIndex) => boolean
  /** Holders fetching pieces now. */
  readonly activeCount: number
  /**
   * A piece from `holder` arrived and was kept; may take holders on or let them go. `wonRace`: the
   * holder was not at work and fetched a piece the others were late with; it joins them.
   */
  arrived: (holder: HolderIndex, now: number, wonRace?: boolean) => void
  /** `holder` failed: it is out for good, and the next holder not at work takes its place. */
  dropped: (holder: HolderIndex) => void
  /** The reader's buffer became full (it holds pieces it has not read) or it asked for more. */
  readerFull: (full: boolean, now: number) => void
}

interface Trial {
  kind: 'take on' | 'let go'
  /**
   * Where the rate during the trial is counted from: when letting go, its start; when taking on, the
   * first piece of a holder taken on (until then they were connecting and starting, which says
   * nothing about the rate they give once they send).
   */
  startedAt: number
  /** The rate before the trial, in pieces per ms. */
  rateBefore: number
  /** The holders taken on or let go; for taking on, whether each has delivered a piece yet. */
  changed: Map<HolderIndex, boolean>
  /** Pieces that count for the trial: from every holder when taking on, from those kept when letting go. */
  arrivals: number
}

export function createHolderSet (options: HolderSetOptions): HolderSet {
  const active = new Set<HolderIndex>()
  const out = new Set<HolderIndex>()
  for (let holder = 0; holder < Math.min(options.start ?? 1, options.holders); holder++) active.add(holder)
  const fixed = active.size === options.holders && options.adaptive !== true
  // When the holders at work last changed (first: the download's start, so the first rate includes
  // connecting and errs towards taking holders on, which letting go corrects), then the latest arrivals.
  const arrivals: number[] = [options.now]
  let trial: Trial | null = null
  let nextTakeOnAt = options.now
  let takeOnBackoffMs = FIRST_BACKOFF_MS
  let nextLetGoAt = active.size > 1 && !fixed ? options.now + FIRST_LET_GO_MS : Infinity
  let letGoBackoffMs = FIRST_LET_GO_MS
  /** The rate a failed taking-on trial started from: far below it, the holders at work have become slow. */
  let rateAtFailure = 0
  const reader = createReaderGauge(options.now)

  const idle = (): HolderIndex[] => {
    const waiting: HolderIndex[] = []
    for (let holder = 0; holder < options.holders; holder++) if (!active.has(holder) && !out.has(holder)) waiting.push(holder)
    return waiting
  }
  /** The holders at work changed: the steady rate is measured afresh. */
  const restartRate = (now: number): void => { arrivals.splice(0, arrivals.length, now) }

  function startTrial (kind: Trial['kind'], rateBefore: number, now: number): void {
    const changed = kind === 'take on' ? idle() : [...active].sort((a, b) => a - b).slice(1)
    trial = { kind, startedAt: now, rateBefore, changed: new Map(changed.map((holder) => [holder, false])), arrivals: 0 }
    for (const holder of changed) {
      if (kind === 'take on') active.add(holder)
      else active.delete(holder)
    }
  }

  function judge (current: Trial, now: number): void {
    trial = null
    const rate = current.arrivals / (now - current.startedAt)
    if (current.kind === 'take on') {
      if (rate >= GAIN * current.rateBefore) {
        takeOnBackoffMs = FIRST_BACKOFF_MS
        nextLetGoAt = now + letGoBackoffMs
      } else {
        for (const holder of current.changed.keys()) active.delete(holder)
        rateAtFailure = current.rateBefore
        nextTakeOnAt = now + takeOnBackoffMs
        takeOnBackoffMs = Math.min(MAX_BACKOFF_MS, takeOnBackoffMs * 2)
      }
    } else if (rate * GAIN > current.rateBefore) {
      // The others were not paying (their trial was fooled): they stay away, backed off as after a failed trial.
      nextTakeOnAt = now + takeOnBackoffMs
      takeOnBackoffMs = Math.min(MAX_BACKOFF_MS, takeOnBackoffMs * 2)
      nextLetGoAt = Infinity
    } else {
      for (const holder of current.changed.keys()) if (!out.has(holder)) active.add(holder)
      nextLetGoAt = now + letGoBackoffMs
      letGoBackoffMs = Math.min(MAX_LET_GO_MS, letGoBackoffMs * 2)
    }
    restartRate(now)
  }

  /** Counts an arrival for the running trial; judges it once it has seen enough. */
  function followTrial (current: Trial, holder: HolderIndex, now: number): void {
    if (current.kind === 'take on') {
      const firstOfTheNew = current.changed.has(holder) && ![...current.changed.values()].some(Boolean)
      if (firstOfTheNew) current.startedAt = now
      else current.arrivals++
      if (current.changed.has(holder)) current.changed.set(holder, true)
      if ([...current.changed.values()].every(Boolean) && current.arrivals >= MIN_TRIAL_ARRIVALS) judge(current, now)
      return
    }
    // Letting go: pieces still on their way from the holders let go say nothing about the others.
    if (current.changed.has(holder)) return
    current.arrivals++
    if (current.arrivals >= MIN_TRIAL_ARRIVALS - 1) judge(current, now)
  }

  return {
    isActive: (holder) => active.has(holder),
    get activeCount () { return active.size },

    arrived (holder, now, wonRace = false) {
      // Pieces still on their way from holders just let go arrive too: only a won race makes one join.
      if (wonRace && !active.has(holder) && !out.has(holder) && trial?.kind !== 'let go') active.add(holder)
      arrivals.push(now)
      if (arrivals.length > RECENT_ARRIVALS) arrivals.shift()
      const waited = reader.waitedSince(now)
      if (fixed) return
      if (trial != null) {
        followTrial(trial, holder, now)
        return
      }
      // Two pieces at least since the last change: with two pieces on the way per holder they come in pairs.
      const rate = arrivals.length > 2 ? steadyRate(arrivals) : null
      if (rate == null) return
      if (active.size > 1 && now >= nextLetGoAt) {
        startTrial('let go', rate, now)
        return
      }
      if (idle().length === 0 || !waited) return
      if (now >= nextTakeOnAt || rate < SLOWDOWN * rateAtFailure) startTrial('take on', rate, now)
    },

    dropped (holder) {
      const wasActive = active.delete(holder)
      out.add(holder)
      // A failure spoils the trial's comparison: the holders at work now stay, and the rate starts afresh.
      if (trial != null) {
        if (trial.kind === 'let go') for (const other of trial.changed.keys()) if (!out.has(other)) active.add(other)
        trial = null
        arrivals.length = 0
      }
      const next = idle()[0]
      if (wasActive && next != null && !active.has(next)) active.add(next)
    },

    readerFull: (full, now) => { reader.full(full, now) }
  }
}
