// Frees the buffers of bytes passing through a busy service soon after they are used. Each chunk a
// transfer moves is a small JS object over a large native buffer (64 KiB to 4 MiB), and Node 24's V8
// only collects the object, and frees the buffer, when its young generation fills with JS objects:
// streaming a file fills it slowly and leaves tens of MiB of dead buffers behind in the meantime
// (measured: a plain Node 24 HTTP pipe grew from 60 to 148 MiB RSS moving 512 MiB, and to 89 MiB with
// collections every 10 ms; Node 20 grew to 85). While the event loop is busy, this runs a young-generation collection every few milliseconds;
// each is cheap (the young objects are few) and the freed buffers are reused for the next chunks.
// The busier the loop, the more often (every 10 ms when fully busy, every 100 ms at 10%).
// An idle service is left alone: the pacer only looks every quarter second whether the process is
// busy, and collects only while it is.
import { performance } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { startBufferCollector } from './buffer-collector.js'

const EVERY_MS = 10
/** How often the pacer looks whether the process is busy, and for how long it measures. */
const WATCH_MS = 250
/** The share of the last watch the event loop must have been busy for collecting to be worth it. */
const BUSY_ENOUGH = 0.1

type CollectGarbage = (options: { type: 'minor' | 'major' }) => void

export interface GarbagePacer {
  stop: () => void
}

/**
 * V8 exposes its collector only under --expose-gc; setting the flag at run time and reading `gc` from
 * a new context gives it without changing how the process is started.
 */
function exposeCollector (): CollectGarbage {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as CollectGarbage
}

export interface GarbagePacerTiming {
  everyMs: number
  watchMs: number
}

export function startGarbagePacer (timing: GarbagePacerTiming = { everyMs: EVERY_MS, watchMs: WATCH_MS }): GarbagePacer {
  const collect = exposeCollector()
  let collecting: NodeJS.Timeout | null = null
  let collectingEveryMs = 0
  let since = performance.eventLoopUtilization()
  const stopCollecting = (): void => {
    if (collecting != null) clearInterval(collecting)
    collecting = null
  }
  const watch = setInterval(() => {
    const now = performance.eventLoopUtilization()
    const utilization = performance.eventLoopUtilization(now, since).utilization
    since = now
    if (utilization < BUSY_ENOUGH) {
      stopCollecting()
      return
    }
    // As often as the loop is busy: a slow transfer (a capped uplink) leaves garbage slowly, and a
    // collection every 10 ms would cost it more CPU per byte than the bytes themselves (measured: a
    // pserver sending at 20 MiB/s spent 10 CPU-seconds per GiB, twice an uncapped one's).
    const everyMs = Math.min(timing.watchMs, Math.round(timing.everyMs / utilization))
    if (collecting != null && Math.abs(everyMs - collectingEveryMs) < collectingEveryMs / 2) return
    stopCollecting()
    collectingEveryMs = everyMs
    collecting = setInterval(() => { collect({ type: 'minor' }) }, everyMs)
    collecting.unref()
  }, timing.watchMs)
  watch.unref()
  // Young collections free what dies young; what a busy service holds a little longer dies old and
  // needs a full collection now and then (buffer-collector.ts).
  const buffers = startBufferCollector({ busy: () => collecting != null })
  return {
    stop: () => {
      clearInterval(watch)
      stopCollecting()
      buffers.stop()
    }
  }
}
