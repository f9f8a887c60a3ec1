// The decisions of a multi-source download, without streams or timers (multi-source.ts runs them):
// which piece each holder fetches next, what happens when a holder fails, which copies of a piece
// are no longer needed, and which piece the user gets next. Time is passed in, so every decision is
// testable with plain numbers.
//
// Each holder takes the lowest piece nobody has yet and comes back for the next, so a faster holder
// simply takes more pieces (work stealing, not a fixed split). Pieces are taken only within a window
// ahead of the one the user is waiting for, so memory stays bounded however slow the user reads. When
// a holder fails (connection lost, no whole piece in time, a bad piece) it is dropped and its pieces go
// back to the others; when the piece the user waits for is still out at a slow holder, idle holders
// fetch it too and the first good copy wins (BitTorrent's end game). Which holders are at work at all
// is holder-set.ts's choice: the best one alone, others only while they make the download faster.
import { createHolderSet } from './holder-set.js'
import type { HolderIndex } from './holder-set.js'
import type { PieceRange } from './piece-plan.js'

export type { HolderIndex } from './holder-set.js'
export interface PieceSchedulerOptions {
  /** The pieces the user gets, in order. */
  pieces: PieceRange
  /** How many holders serve pieces: holders 0 to holders - 1. */
  holders: number
  /** Most pieces fetched or held ahead of the one the user waits for. */
  window: number
  /** Pieces fetched or held ahead per holder at work (the window grows with them up to `window`); default: `window`. */
  windowPerHolder?: number
  /** How many holders are at work at first (holder-set.ts takes others on when they pay); default: all of them. */
  startHolders?: number
  /** Holders may be let go (and taken on again) even when all start (holder-set.ts). */
  adaptive?: boolean
  /** When the download started, on the clock the other calls are given (default 0). */
  startedAt?: number
  /** A first guess of how long a piece takes, until one arrived (ms). */
  firstGuessPieceMs?: number
}

export interface Arrival {
  /** False when the piece was not needed any more (another holder delivered it first). */
  kept: boolean
  /** Holders still fetching the same piece: their copies are not needed, so cancel them. */
  redundant: HolderIndex[]
}

export interface HolderFailure {
  /** True when this failure dropped the holder; false when it had been dropped already. */
  dropped: boolean
  /** The holder's other pieces on their way, now back in line: cancel their fetches. */
  abandoned: number[]
  /** Holders not dropped; at 0 the download has failed. */
  holdersLeft: number
}

export interface PieceScheduler<Piece> {
  /** The piece the user gets next. */
  readonly next: number
  /** Every piece was handed on. */
  readonly finished: boolean
  isDropped: (holder: HolderIndex) => boolean
  /** The piece `holder` should fetch now (from now on out at it), or null: wait for a change. */
  assign: (holder: HolderIndex, now: number) => number | null
  /** `holder` delivered piece `index`, verified. */
  arrived: (holder: HolderIndex, index: number, piece: Piece, now: number) => Arrival
  /** `holder` failed to deliver piece `index`: it is dropped and its pieces go back in line. */
  failed: (holder: HolderIndex, index: number) => HolderFailure
  /** The reader's buffer is full (it has bytes it has not read yet), or it asks for more. */
  readerFull: (full: boolean, now: number) => void
  /** Holders fetching pieces now (the others only race a piece that is late). */
  readonly activeHolders: number
  /** The piece the user gets next, once it arrived. */
  nextReady: () => Piece | undefined
  /** The next piece was handed on to the user: the window moves one piece on. */
  handedOn: () => void
  /** How long an idle holder waits before asking again when nothing changes (a piece may become late). */
  idleWaitMs: () => number
  /** Lets go of every piece held (the download is over). */
  forget: () => void
}

/** How much slower than usual the awaited piece may be before another holder fetches it too. */
const LATE_FACTOR = 2
/** A holder not at work races a late piece only this late at least: a busy machine's hiccups are not worth a copy. */
const LATE_IDLE_MIN_MS = 500
/** Weight of the newest piece time in the moving average. */
const NEWEST_WEIGHT = 0.2

export function createPieceScheduler<Piece> (options: PieceSchedulerOptions): PieceScheduler<Piece> {
  const { pieces, window } = options
  /** Pieces nobody has fetched yet, lowest first. */
  const queue: number[] = []
  for (let index = pieces.first; index < pieces.end; index++) queue.push(index)
  const ready = new Map<number, Piece>() // verified pieces waiting for their turn
  /** Per holder, the pieces it is fetching now and when each was asked for. */
  const fetching = Array.from({ length: options.holders }, () => new Map<number, number>())
  const dropped = new Set<HolderIndex>()
  const racing = new Set<string>() // "holder:index": given to a holder not at work, the others being late
  const start = options.startHolders ?? options.holders
  const holderSet = createHolderSet({ holders: options.holders, start, now: options.startedAt ?? 0, adaptive: options.adaptive === true })
  let next = pieces.first
  /** How long a piece usually takes, from the pieces fetched so far (a moving average). */
  let typicalPieceMs = options.firstGuessPieceMs ?? 1000

  const outAt = (holder: HolderIndex): Map<number, number> => fetching[holder] ?? new Map<number, number>()
  const isOut = (index: number): boolean => fetching.some((out) => out.has(index))

  /** Puts pieces back in line, unless another holder has them already or is fetching them. */
  function requeue (indexes: Iterable<number>): void {
    for (const index of indexes) {
      if (index >= next && !ready.has(index) && !isOut(index) && !queue.includes(index)) queue.push(index)
    }
    queue.sort((a, b) => a - b)
  }

  /**
   * When no queued piece is within the window: the piece the user waits for, if it is out at another
   * holder and late: at once when nothing is left in the queue (end game), else once it has taken
   * twice as long as pieces usually take (a slow or stalled holder holds the window up). Waiting that
   * long before racing a piece keeps holders from spending their bandwidth on copies nobody needs.
   */
  function latePiece (holder: HolderIndex, now: number): number | null {
    if (ready.has(next) || outAt(holder).has(next)) return null
    const startedAt = Math.min(...fetching.map((out) => out.get(next) ?? Infinity))
    if (startedAt === Infinity) return null
    const waited = now - startedAt
    // A holder not at work races only a piece that is well late, never the last ones by rule.
    const late = holderSet.isActive(holder)
      ? queue.length === 0 || waited > LATE_FACTOR * typicalPieceMs
      : waited > Math.max(LATE_IDLE_MIN_MS, LATE_FACTOR * typicalPieceMs)
    return late ? next : null
  }

  /** The window for the holders at work now. */
  const currentWindow = (): number => Math.min(window, (options.windowPerHolder ?? window) * Math.max(1, holderSet.activeCount))

  return {
    get next () { return next },
    get finished () { return next >= pieces.end },
    isDropped: (holder) => dropped.has(holder),
    get activeHolders () { return holderSet.activeCount },

    assign (holder, now) {
      if (dropped.has(holder) || next >= pieces.end) return null
      const queued = queue[0]
      const atWork = holderSet.isActive(holder)
      const index = atWork && queued != null && queued < next + currentWindow() ? queue.shift() ?? null : latePiece(holder, now)
      if (index != null && !atWork) racing.add(`${holder}:${index}`)
      if (index != null) outAt(holder).set(index, now)
      return index
    },

    arrived (holder, index, piece, now) {
      const startedAt = outAt(holder).get(index)
      outAt(holder).delete(index)
      const raced = racing.delete(`${holder}:${index}`)
      if (startedAt != null) typicalPieceMs = (1 - NEWEST_WEIGHT) * typicalPieceMs + NEWEST_WEIGHT * (now - startedAt)
      const kept = index >= next && !ready.has(index)
      if (kept) {
        ready.set(index, piece)
        holderSet.arrived(holder, now, raced)
      }
      const redundant: HolderIndex[] = []
      for (const [other, out] of fetching.entries()) {
        if (out.delete(index)) redundant.push(other)
        racing.delete(`${other}:${index}`)
      }
      return { kept, redundant }
    },

    failed (holder, index) {
      const out = outAt(holder)
      out.delete(index)
      racing.delete(`${holder}:${index}`)
      // A dropped holder's other lane may fail on its own: its piece goes back too.
      if (dropped.has(holder)) {
        requeue([index])
        return { dropped: false, abandoned: [], holdersLeft: options.holders - dropped.size }
      }
      dropped.add(holder)
      holderSet.dropped(holder)
      const abandoned = [...out.keys()]
      out.clear()
      requeue([index, ...abandoned])
      return { dropped: true, abandoned, holdersLeft: options.holders - dropped.size }
    },

    readerFull: (full, now) => { holderSet.readerFull(full, now) },

    nextReady: () => ready.get(next),

    handedOn () {
      ready.delete(next)
      next++
    },

    idleWaitMs: () => Math.min(1000, Math.max(50, typicalPieceMs / 2)),

    forget () { ready.clear() }
  }
}
