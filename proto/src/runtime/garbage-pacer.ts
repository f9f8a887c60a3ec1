// Keeps a busy service's memory flat (buffer-collector.ts frees the buffers of the bytes it moved) and
// leaves an idle one alone: it looks every quarter second whether the event loop was busy, and lets the
// buffer collector work only while it was, so that an idle service does not wake up every few
// milliseconds. Once a service that started or was busy has been all but idle for a few seconds, it
// settles: one collection of all the garbage there is, V8's heap given back
// (collectAllAvailableGarbage). That holds the event loop for 50-90 ms, so it waits until the loop
// was busy less than QUIET_BELOW of a span of SETTLE_AFTER_MS (a pserver sending even 20 MiB/s is
// busier), and comes at most once per SETTLE_GAP_MS.
import { performance } from 'node:perf_hooks'
import { collectAllAvailableGarbage, exposeCollector, startBufferCollector } from './buffer-collector.js'
import type { BufferCollectorOptions } from './buffer-collector.js'

/** How often the pacer looks whether the process is busy, and for how long it measures. */
const WATCH_MS = 250
/** The share of the last watch the event loop must have been busy for collecting to be worth it. */
const BUSY_ENOUGH = 0.1
/** The share of a span below which the event loop counts as quiet (heartbeats, a health check). */
const QUIET_BELOW = 0.02
/** How long a service must have been quiet, after it started or was busy, before it settles. */
const SETTLE_AFTER_MS = 5000
/** The least time between two settlings, so one that comes and goes every few seconds pays little. */
const SETTLE_GAP_MS = 30_000

export interface GarbagePacer {
  stop: () => void
  /** Whether the last watch saw the process busy. */
  busy: () => boolean
  /** How many times it settled. */
  settled: () => number
}

export interface GarbagePacerOptions extends Omit<BufferCollectorOptions, 'busy'> {
  watchMs?: number
  settleAfterMs?: number
  settleGapMs?: number
}

export function startGarbagePacer (options: GarbagePacerOptions = {}): GarbagePacer {
  const watchMs = options.watchMs ?? WATCH_MS
  const settleAfterMs = options.settleAfterMs ?? SETTLE_AFTER_MS
  const settleGapMs = options.settleGapMs ?? SETTLE_GAP_MS
  const collect = exposeCollector()
  let busy = false
  let since = performance.eventLoopUtilization()
  // Starting loaded the code and built the app: the first quiet spell settles it.
  let unsettled = true
  // The span over which quiet is judged, as a whole: a heartbeat's few milliseconds do not end it.
  let span = { at: performance.now(), use: since }
  let settledAt = -Infinity
  let settled = 0
  const watch = setInterval(() => {
    const now = performance.eventLoopUtilization()
    busy = performance.eventLoopUtilization(now, since).utilization >= BUSY_ENOUGH
    since = now
    const at = performance.now()
    if (busy) {
      unsettled = true
      span = { at, use: now }
      return
    }
    if (!unsettled || at - span.at < settleAfterMs || at - settledAt < settleGapMs) return
    if (performance.eventLoopUtilization(now, span.use).utilization >= QUIET_BELOW) {
      span = { at, use: now }
      return
    }
    collectAllAvailableGarbage(collect)
    unsettled = false
    settledAt = performance.now()
    settled++
    // Its own work is not the service's: the next watch measures from here.
    since = performance.eventLoopUtilization()
  }, watchMs)
  watch.unref()
  const buffers = startBufferCollector({ ...options, busy: () => busy })
  return {
    busy: () => busy,
    settled: () => settled,
    stop: () => {
      clearInterval(watch)
      buffers.stop()
    }
  }
}
