// The central's answers to the page's reads (files, peers, health, replication), shared for a moment.
// Every open page polls them, and the central limits each client address to a budget per minute: a
// dozen tabs, or a script hammering /fragments, would otherwise spend this peer's whole budget and its
// uploads and downloads would be refused. Callers within CACHE_MS share one answer, and concurrent
// callers one request. Failures are not kept, and locate/place (transfers) are never cached.
import type { CentralClient } from '@p2p/proto'

/** How long a read is shared: shorter than any page refresh, long enough to collapse a burst. */
export const CENTRAL_READ_CACHE_MS = 1000

const CACHED_READS = ['listFiles', 'listPeers', 'health', 'replication'] as const
type CachedRead = typeof CACHED_READS[number]

export interface SharedCentralReads {
  central: CentralClient
  /** Forgets what is kept, e.g. after this peer stored a file, so the next read shows it. */
  invalidate: () => void
}

export function shareCentralReads (central: CentralClient, cacheMs = CENTRAL_READ_CACHE_MS, now: () => number = Date.now): SharedCentralReads {
  const kept = new Map<CachedRead, { at: number, answer: Promise<unknown> }>()
  const shared = { ...central }
  for (const read of CACHED_READS) {
    const original = central[read] as (() => Promise<unknown>) | undefined
    if (typeof original !== 'function') continue
    const cached = async (): Promise<unknown> => {
      const entry = kept.get(read)
      if (entry != null && now() - entry.at < cacheMs) return await entry.answer
      const answer = original.call(central)
      kept.set(read, { at: now(), answer })
      // A failure is not shared beyond the callers already waiting for it.
      answer.catch(() => { if (kept.get(read)?.answer === answer) kept.delete(read) })
      return await answer
    }
    Object.assign(shared, { [read]: cached })
  }
  return { central: shared, invalidate: () => { kept.clear() } }
}
