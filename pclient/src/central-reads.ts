// The central's answers to the page's reads (files, peers, health, replication), shared for a moment.
// Every open page polls them, and the central limits each client address to a budget per minute: a
// dozen tabs, or a script hammering /fragments, would otherwise spend this peer's whole budget and its
// uploads and downloads would be refused. Callers within CACHE_MS share one answer, and concurrent
// callers one request. Failures are not served to later callers, and locate/place (transfers) are
// never cached.
// The last answer each read got is kept too, for the page: when the central stops answering, the page
// shows what it last knew, marked as such, instead of waiting for the central's timeout (`snapshot`).
import type { CentralClient } from '@p2p/proto'
import { CentralUnreachableError } from './errors.js'

/** How long a read is shared: shorter than any page refresh, long enough to collapse a burst. */
export const CENTRAL_READ_CACHE_MS = 1000

const CACHED_READS = ['listFiles', 'listPeers', 'health', 'replication'] as const
export type CentralRead = typeof CACHED_READS[number]
export type CentralAnswer<R extends CentralRead> = Awaited<ReturnType<CentralClient[R]>>

/** A read's answer now, or the last one the central gave with why there is no current one. */
export type Snapshot<T> =
  | { current: true, value: T }
  | {
    current: false
    /** The last answer the central gave to this read; null when it never answered it. */
    value: T | null
    /** When that answer arrived (ms since the epoch). */
    receivedAt: number | null
    /** Why there is no current answer: the central's failure, or its silence. */
    problem: unknown
  }

export interface SnapshotWait {
  /** How long to wait for the central's answer before falling back on the last one. */
  waitMs: number
  /** The wait instead when this read's last request failed: a central known to be down is not waited for again. */
  waitAfterFailureMs: number
}

export interface SharedCentralReads {
  central: CentralClient
  /** Forgets what is kept, e.g. after this peer stored a file, so the next read shows it. */
  invalidate: () => void
  /**
   * The read's answer if it comes within the wait, else the last answer the central gave. The request
   * goes on either way (shared with every other caller), so its answer serves the next caller.
   */
  snapshot: <R extends CentralRead>(read: R, wait: SnapshotWait) => Promise<Snapshot<CentralAnswer<R>>>
}

interface Entry { at: number, answer: Promise<unknown>, settled: boolean }

export function shareCentralReads (central: CentralClient, cacheMs = CENTRAL_READ_CACHE_MS, now: () => number = Date.now): SharedCentralReads {
  const kept = new Map<CentralRead, Entry>()
  const lastAnswers = new Map<CentralRead, { value: unknown, at: number }>()
  const lastFailures = new Map<CentralRead, unknown>()
  const reads = new Map<CentralRead, () => Promise<unknown>>()
  const shared = { ...central }
  for (const read of CACHED_READS) {
    const original = central[read] as (() => Promise<unknown>) | undefined
    if (typeof original !== 'function') continue
    const cached = async (): Promise<unknown> => {
      const entry = kept.get(read)
      // A request still on its way is shared whatever its age: a stalled central gets one request per
      // read at a time, not one per page that asks.
      if (entry != null && (!entry.settled || now() - entry.at < cacheMs)) return await entry.answer
      const fresh: Entry = { at: now(), answer: original.call(central), settled: false }
      kept.set(read, fresh)
      fresh.answer.then((value) => {
        fresh.settled = true
        lastAnswers.set(read, { value, at: now() })
        lastFailures.delete(read)
      }, (err: unknown) => {
        fresh.settled = true
        lastFailures.set(read, err)
        // A failure is not shared beyond the callers already waiting for it.
        if (kept.get(read) === fresh) kept.delete(read)
      })
      return await fresh.answer
    }
    reads.set(read, cached)
    Object.assign(shared, { [read]: cached })
  }

  async function snapshot<R extends CentralRead> (read: R, wait: SnapshotWait): Promise<Snapshot<CentralAnswer<R>>> {
    const cached = reads.get(read)
    if (cached == null) throw new TypeError(`the central client has no ${read}`)
    const failedBefore = lastFailures.has(read)
    const waitMs = failedBefore ? wait.waitAfterFailureMs : wait.waitMs
    let timer: NodeJS.Timeout | undefined
    const silence = new Promise<{ late: true }>((resolve) => { timer = setTimeout(() => { resolve({ late: true }) }, waitMs) })
    const outcome = await Promise.race([
      cached().then((value) => ({ value }), (error: unknown) => ({ error })),
      silence
    ]).finally(() => { clearTimeout(timer) })
    if ('value' in outcome) return { current: true, value: outcome.value as CentralAnswer<R> }
    const last = lastAnswers.get(read)
    const problem = 'error' in outcome
      ? outcome.error
      // Silent again after a failure: that failure says more (refused, or its own timeout) than this wait.
      : lastFailures.get(read) ?? new CentralUnreachableError(`the central directory did not answer within ${waitMs} ms`)
    return { current: false, value: (last?.value ?? null) as CentralAnswer<R> | null, receivedAt: last?.at ?? null, problem }
  }

  return { central: shared, invalidate: () => { kept.clear() }, snapshot }
}
