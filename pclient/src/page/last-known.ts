// What the page does when the central is slow or down: it shows what this peer last heard from the
// central, with a notice saying so and since when, instead of keeping a person (or the page's own
// refresh) waiting for the central's timeout and then showing nothing.
import type { CentralAnswer, CentralArgs, CentralRead, SharedCentralReads, SnapshotWait } from '../central-reads.js'
import { toHttpError } from '../error-mapping.js'
import { timeAgo } from './time-ago.js'

/**
 * The central answers a list in milliseconds. Past a second the page shows what it last knew (the
 * request goes on, and its answer serves the next refresh); once a read has failed, the page waits
 * only long enough for a central that came back to answer, so every page after the first is at once.
 */
export const PAGE_CENTRAL_WAIT: SnapshotWait = { waitMs: 1000, waitAfterFailureMs: 150 }

export type CentralSnapshots = SharedCentralReads['snapshot']

export interface CentralUnreachableNotice {
  /** Why, in the words the JSON routes use. */
  reason: string
  /** When what the page shows was the central's answer (ISO), and how long ago; null when it never answered. */
  knownAt: string | null
  knownAgo: string | null
}

export interface PageRead<T> {
  /** The central's answer now, or the last one it gave; null when it never answered. */
  value: T | null
  unreachable: CentralUnreachableNotice | null
  /** Why there is no current answer (the central's error, or its silence); null when there is one. */
  problem: unknown
}

export async function readForPage<R extends CentralRead> (snapshots: CentralSnapshots, read: R, now: number, ...args: CentralArgs<R>): Promise<PageRead<CentralAnswer<R>>> {
  const snapshot = await snapshots(read, PAGE_CENTRAL_WAIT, ...args)
  if (snapshot.current) return { value: snapshot.value, unreachable: null, problem: null }
  const knownAt = snapshot.receivedAt == null ? null : new Date(snapshot.receivedAt).toISOString()
  return {
    value: snapshot.value,
    problem: snapshot.problem,
    unreachable: {
      reason: toHttpError(snapshot.problem).message,
      knownAt,
      knownAgo: knownAt == null ? null : timeAgo(knownAt, now)
    }
  }
}

/** Several reads shown together are as current as the least current one. */
export function leastCurrent (...reads: Array<PageRead<unknown>>): CentralUnreachableNotice | null {
  const unreachable = reads.map((read) => read.unreachable).filter((entry) => entry != null)
  if (unreachable.length === 0) return null
  // The oldest answer is the one to admit to; one never given at all is older than any.
  return unreachable.find((entry) => entry.knownAt == null) ??
    unreachable.reduce((oldest, entry) => (entry.knownAt! < oldest.knownAt! ? entry : oldest))
}
