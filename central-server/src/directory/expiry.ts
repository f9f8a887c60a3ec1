// Where a silent peer expires. A peer not seen for EXPIRY_INTERVALS heartbeat intervals is gone: every
// answer that names peers filters it out at once (expiryCutoff), an operation that meets it removes it,
// and the sweep, on a timer, removes the rest from the store (a range query on peers by last seen). All
// of them remove it through removePeer, the same path as a leave, so nothing drifts (as
// bittorrent-tracker does). Until the sweep has removed it, the store's counts and copy queue still
// count its files as copies: /health and new copy orders may lag by up to one sweep interval.
import type { FastifyBaseLogger } from 'fastify'
import { PeerUnknownError, StoreUnavailableError } from '../errors.js'
import type { PeerRecord } from '../store/directory-store.js'
import type { DirectoryContext } from './context.js'

/** A peer is expired after this many heartbeat intervals without being seen. */
export const EXPIRY_INTERVALS = 3

type Clocked = Pick<DirectoryContext, 'now' | 'heartbeatIntervalMs'>

/** How long a peer stays live after it was last seen. */
export function expiresAfterMs ({ heartbeatIntervalMs }: Pick<DirectoryContext, 'heartbeatIntervalMs'>): number {
  return EXPIRY_INTERVALS * heartbeatIntervalMs
}

/** Peers last seen at or before this instant are expired (at `at`, by default now). */
export function expiryCutoff (context: Clocked, at = context.now()): number {
  return at - expiresAfterMs(context)
}

/** The one way a peer leaves the directory, whether it said goodbye or went quiet. */
export async function removePeer (
  { store, log }: Pick<DirectoryContext, 'store' | 'log'>, peerId: string, reason: 'left' | 'expired', notSeenAfter?: number
): Promise<boolean> {
  const removed = await store.removePeer(peerId, notSeenAfter == null ? {} : { notSeenAfter })
  if (removed) log.info({ peerId, reason }, 'peer removed')
  return removed
}

/** The peer's record; throws PeerUnknownError (it must register again) when it is unknown or expired. */
export async function requireLivePeer (context: DirectoryContext, peerId: string): Promise<PeerRecord> {
  const peer = await context.store.getPeer(peerId)
  if (peer == null) throw new PeerUnknownError(peerId)
  const cutoff = expiryCutoff(context)
  if (peer.lastSeenAt <= cutoff) {
    await removePeer(context, peerId, 'expired', cutoff)
    throw new PeerUnknownError(peerId)
  }
  return peer
}

/** Removes every expired peer; answers how many were removed. */
export async function sweepExpiredPeers (context: DirectoryContext): Promise<number> {
  const cutoff = expiryCutoff(context)
  const expired = await context.store.listPeerIdsNotSeenAfter(cutoff)
  let removed = 0
  for (const peerId of expired) {
    if (await removePeer(context, peerId, 'expired', cutoff)) removed++
  }
  return removed
}

export interface ExpirySweeper {
  stop: () => void
}

/** Runs the directory's sweep on a timer so expired peers leave the store, not just the answers. */
export function startExpirySweeper (components: {
  directory: { sweep: () => Promise<number> }
  intervalMs: number
  log: Pick<FastifyBaseLogger, 'error'>
}): ExpirySweeper {
  const { directory, intervalMs, log } = components
  let running = false
  const timer = setInterval(() => {
    // A slow store must not pile sweeps on top of each other.
    if (running) return
    running = true
    directory.sweep()
      .catch((err: unknown) => {
        // The store logs an outage once when it begins and once when it ends: a sweep that meets it
        // sweeps nothing, instead of logging an error at every interval.
        if (!(err instanceof StoreUnavailableError)) log.error({ err }, 'expiry sweep failed')
      })
      .finally(() => { running = false })
  }, intervalMs)
  timer.unref()
  return { stop: () => { clearInterval(timer) } }
}
