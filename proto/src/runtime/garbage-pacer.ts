// Keeps a busy service's memory flat (buffer-collector.ts frees the buffers of the bytes it moved) and
// leaves an idle one alone: it looks every quarter second whether the event loop was busy, and lets the
// buffer collector work only while it was, so that an idle service does not wake up every few
// milliseconds.
import { performance } from 'node:perf_hooks'
import { startBufferCollector } from './buffer-collector.js'
import type { BufferCollectorOptions } from './buffer-collector.js'

/** How often the pacer looks whether the process is busy, and for how long it measures. */
const WATCH_MS = 250
/** The share of the last watch the event loop must have been busy for collecting to be worth it. */
const BUSY_ENOUGH = 0.1

export interface GarbagePacer {
  stop: () => void
  /** Whether the last watch saw the process busy. */
  busy: () => boolean
}

export interface GarbagePacerOptions extends Omit<BufferCollectorOptions, 'busy'> {
  watchMs?: number
}

export function startGarbagePacer (options: GarbagePacerOptions = {}): GarbagePacer {
  let busy = false
  let since = performance.eventLoopUtilization()
  const watch = setInterval(() => {
    const now = performance.eventLoopUtilization()
    busy = performance.eventLoopUtilization(now, since).utilization >= BUSY_ENOUGH
    since = now
  }, options.watchMs ?? WATCH_MS)
  watch.unref()
  const buffers = startBufferCollector({ ...options, busy: () => busy })
  return {
    busy: () => busy,
    stop: () => {
      clearInterval(watch)
      buffers.stop()
    }
  }
}
