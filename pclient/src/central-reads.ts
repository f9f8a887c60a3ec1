// The central's answers to the page's reads (a page of files, peers, health, replication), shared for a
// moment. Every open page polls them, and the central limits each client address to a budget per
// minute: a dozen tabs, or a script hammering /fragments, would otherwise spend this peer's whole
// budget and its uploads and downloads would be refused. Callers within CACHE_MS asking the same read
// with the same arguments share one answer, and concurrent callers one request. Failures are not
// served to later callers, and locate/place (transfers) are never cached.
// The last answer each read got is kept too, for the page: when the central stops answering, the page
// shows what it last knew, marked as such, instead of waiting for the central's timeout (`snapshot`).
// A read with arguments (a page of files: its filter and cursor) is kept per arguments, for the
// KEPT_QUERIES most recently asked: a page whose own query was never answered falls back on nothing.
import { CentralRequestError } from '@p2p/proto'
import type { CentralClient } from '@p2p/proto'
import { CentralUnreachableError } from './errors.js'

/** How long a read is shared: shorter than any page refresh, long enough to collapse a burst. */
export const CENTRAL_READ_CACHE_MS = 1000

/** How many distinct arguments of one read keep their last answer (each filter typed is one). */
export const KEPT_QUERIES = 50

const CACHED_READS = ['listFiles', 'listFilesPage', 'listPeers', 'health', 'replication'] as const
export type CentralRead = typeof CACHED_READS[number]
export type CentralAnswer<R extends CentralRead> = Awaited<ReturnType<CentralClient[R]>>
export type CentralArgs<R extends CentralRead> = Parameters<CentralClient[R]>

/** A read's answer now, or the last one the central gave with why there is no current one. */
export type Snapshot<T> =
  | { current: true, value: T }
  | {
    current: false
    /** The last answer the central gave to this read (same arguments); null when it never answered it. */
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
  snapshot: <R extends CentralRead>(read: R, wait: SnapshotWait, ...args: CentralArgs<R>) => Promise<Snapshot<CentralAnswer<R>>>
}

interface Entry { at: number, answer: Promise<unknown>, settled: boolean }

export function shareCentralReads (central: CentralClient, cacheMs = CENTRAL_READ_CACHE_MS, now: () => number = Date.now): SharedCentralReads {
  // By read and arguments. Requests in flight and answers still fresh; the last answers, most recent last.
  const kept = new Map<string, Entry>()
  const lastAnswers = new Map<string, { value: unknown, at: number }>()
  // By read alone: a central that failed one page of files is down for every page of files.
  const lastFailures = new Map<CentralRead, unknown>()
  const reads = new Map<CentralRead, (...args: unknown[]) => Promise<unknown>>()
  const shared = { ...central }
  for (const read of CACHED_READS) {
    const original = central[read] as ((...args: unknown[]) => Promise<unknown>) | undefined
    if (typeof original !== 'function') continue
    const cached = async (...args: unknown[]): Promise<unknown> => {
      const key = `${read} ${JSON.stringify(args)}`
      const entry = kept.get(key)
      // A request still on its way is shared whatever its age: a stalled central gets one request per
      // read at a time, not one per page that asks.
      if (entry != null && (!entry.settled || now() - entry.at < cacheMs)) return await entry.answer
      forgetStale(kept, now() - cacheMs)
      const fresh: Entry = { at: now(), answer: original.apply(central, args), settled: false }
      kept.set(key, fresh)
      fresh.answer.then((value) => {
        fresh.settled = true
        keepRecent(lastAnswers, key, { value, at: now() })
        lastFailures.delete(read)
      }, (err: unknown) => {
        fresh.settled = true
        // A refusal of the request itself (a stale cursor: 400) says the central is up.
        if (!(err instanceof CentralRequestError && err.statusCode < 500)) lastFailures.set(read, err)
        // A failure is not shared beyond the callers already waiting for it.
        if (kept.get(key) === fresh) kept.delete(key)
      })
      return await fresh.answer
    }
    reads.set(read, cached)
    Object.assign(shared, { [read]: cached })
  }

  async function snapshot<R extends CentralRead> (read: R, wait: SnapshotWait, ...args: CentralArgs<R>): Promise<Snapshot<CentralAnswer<R>>> {
    const cached = reads.get(read)
    if (cached == null) throw new TypeError(`the central client has no ${read}`)
    const failedBefore = lastFailures.has(read)
    const waitMs = failedBefore ? wait.waitAfterFailureMs : wait.waitMs
    let timer: NodeJS.Timeout | undefined
    const silence = new Promise<{ late: true }>((resolve) => { timer = setTimeout(() => { resolve({ late: true }) }, waitMs) })
    const outcome = await Promise.race([
      cached(...args).then((value) => ({ value }), (error: unknown) => ({ error })),
      silence
    ]).finally(() => { clearTimeout(timer) })
    if ('value' in outcome) return { current: true, value: outcome.value as CentralAnswer<R> }
    const last = lastAnswers.get(`${read} ${JSON.stringify(args)}`)
    const problem = 'error' in outcome
      ? outcome.error
      // Silent again after a failure: that failure says more (refused, or its own timeout) than this wait.
      : lastFailures.get(read) ?? new CentralUnreachableError(`the central directory did not answer within ${waitMs} ms`)
    return { current: false, value: (last?.value ?? null) as CentralAnswer<R> | null, receivedAt: last?.at ?? null, problem }
  }

  return { central: shared, invalidate: () => { kept.clear() }, snapshot }
}

/** Drops the settled answers older than `before`: only requests in flight and fresh answers are shared. */
function forgetStale (kept: Map<string, Entry>, before: number): void {
  for (const [key, entry] of kept) if (entry.settled && entry.at <= before) kept.delete(key)
}

/** Sets `key` as the most recent answer of its read, forgetting that read's oldest beyond KEPT_QUERIES. */
function keepRecent<T> (answers: Map<string, T>, key: string, value: T): void {
  answers.delete(key)
  answers.set(key, value)
  const read = key.slice(0, key.indexOf(' '))
  const sameRead = [...answers.keys()].filter((other) => other.startsWith(`${read} `))
  for (const old of sameRead.slice(0, Math.max(0, sameRead.length - KEPT_QUERIES))) answers.delete(old)
}
