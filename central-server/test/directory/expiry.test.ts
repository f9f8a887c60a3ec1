// A peer expires after EXPIRY_INTERVALS silent intervals: reads stop counting it at once, meeting it
// removes it, the sweep removes the rest; and the sweeper runs that sweep on a real (short) timer,
// survives a failed sweep, and stops.
import { describe, expect, it } from 'vitest'
import { createDirectoryContext } from '../../src/directory/context.js'
import type { DirectoryContext } from '../../src/directory/context.js'
import { EXPIRY_INTERVALS, expiryCutoff, requireLivePeer, startExpirySweeper, sweepExpiredPeers } from '../../src/directory/expiry.js'
import { PeerUnknownError } from '../../src/errors.js'
import { createMemoryDirectoryStore } from '../../src/store/memory/index.js'
import { createManualClock } from '../helpers/central-app.js'

async function waitFor (condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

describe('startExpirySweeper', () => {
  it('sweeps on every interval, logs a failed sweep and keeps going, and stops when told', async () => {
    let sweeps = 0
    const errors: unknown[] = []
    const sweeper = startExpirySweeper({
      directory: { sweep: async () => { sweeps++; if (sweeps === 1) throw new Error('store down'); return 0 } },
      intervalMs: 10,
      log: { error: (obj: unknown) => { errors.push(obj) } }
    })
    try {
      await waitFor(() => sweeps >= 3)
      expect(errors).toHaveLength(1)
    } finally {
      sweeper.stop()
    }
    const stoppedAt = sweeps
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(sweeps).toBe(stoppedAt)
  })
})

describe('expiry', () => {
  const INTERVAL_MS = 1000

  /** A context over a memory store holding peers last seen this many ms ago, and its clock's advance. */
  async function contextWithPeers (lastSeen: Record<string, number>): Promise<DirectoryContext & { advance: (ms: number) => void }> {
    const clock = createManualClock()
    const store = createMemoryDirectoryStore()
    const context = createDirectoryContext({ store, now: clock.now, heartbeatIntervalMs: INTERVAL_MS, log: { info: () => {}, warn: () => {} } })
    for (const [peerId, agoMs] of Object.entries(lastSeen)) {
      const at = clock.now() - agoMs
      await store.putPeer({ peerId, grpcAddress: `${peerId}:1`, capacityBytes: 1, freeBytes: 1, activeTransfers: 0, registeredAt: at, lastSeenAt: at }, [])
    }
    return { ...context, advance: clock.advance }
  }

  it('puts the cutoff EXPIRY_INTERVALS heartbeat intervals back', async () => {
    const context = await contextWithPeers({})
    expect(expiryCutoff(context)).toBe(context.now() - EXPIRY_INTERVALS * INTERVAL_MS)
    expect(expiryCutoff(context, 10_000)).toBe(10_000 - EXPIRY_INTERVALS * INTERVAL_MS)
  })

  it('sweeps exactly the peers silent for the whole expiry, and none twice', async () => {
    const expiry = EXPIRY_INTERVALS * INTERVAL_MS
    const context = await contextWithPeers({ fresh: 0, edge: expiry - 1, silent: expiry, gone: expiry * 2 })
    expect(await sweepExpiredPeers(context)).toBe(2)
    expect((await context.store.pagePeers({ seenAfter: -Infinity, limit: 10 })).map((peer) => peer.peerId)).toEqual(['edge', 'fresh'])
    expect(await sweepExpiredPeers(context)).toBe(0)
    context.advance(1)
    expect(await sweepExpiredPeers(context)).toBe(1)
  })

  it('removes an expired peer it meets and tells it to register again', async () => {
    const context = await contextWithPeers({ live: 0, silent: EXPIRY_INTERVALS * INTERVAL_MS })
    expect((await requireLivePeer(context, 'live')).peerId).toBe('live')
    await expect(requireLivePeer(context, 'silent')).rejects.toBeInstanceOf(PeerUnknownError)
    expect(await context.store.getPeer('silent')).toBeNull()
    await expect(requireLivePeer(context, 'nobody')).rejects.toBeInstanceOf(PeerUnknownError)
  })
})
