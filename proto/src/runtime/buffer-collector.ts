// Gives back the memory of chunk buffers that died old, in every service (the garbage pacer starts
// it; measured first on the pserver). The garbage pacer runs a young
// collection every 10 ms while busy, so a buffer that lives a few tens of milliseconds (a disk read
// being sent, an upload chunk waiting for the disk or the hashing thread) survives two of them and is
// moved to the old generation, where only a full collection frees it; V8 starts one on its own only
// once about 64 MiB of such buffers have piled up. Measured with 4 downloads and 2 uploads at once:
// 86 MiB of ArrayBuffers at the pserver's peak, of which a quarter was in use. While transfers run,
// this looks at the buffers' total every EVERY_MS and runs a full collection once it has grown
// SLACK_BYTES past what the last one left alive. The heap itself is small (about 20 MiB), so each
// collection costs a few milliseconds. Slack of 16 MiB measured about the CPU per GiB of 24; 8 MiB
// cost half as much user CPU again under 4 downloads + 2 uploads (one run) for a peak 3 MiB lower.
import { memoryUsage } from 'node:process'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

const EVERY_MS = 50
const SLACK_BYTES = 16 * 1024 * 1024

export interface BufferCollectorOptions {
  /** True while the service is busy (the garbage pacer's judgement); an idle service is left alone. */
  busy: () => boolean
  slackBytes?: number
  everyMs?: number
}

export interface BufferCollector {
  stop: () => void
}

type CollectGarbage = (options: { type: 'major' | 'minor' }) => void

/** V8's collector, exposed at run time as the garbage pacer does (the flag only adds the global). */
function fullCollector (): () => void {
  setFlagsFromString('--expose-gc')
  const collect = runInNewContext('gc') as CollectGarbage
  return () => { collect({ type: 'major' }) }
}

/**
 * Keeps V8's young generation at its starting size. V8 grows it (up to 64 MiB in Node 24) when many
 * objects survive young collections, which the pacer's frequent ones make likely; a service's young
 * objects are few and small (the bytes it moves are in buffers outside the heap), so the growth only
 * added to the peak (measured on the pserver: a 64 MiB young generation after an upload; 2 MiB with
 * this in most runs, 16 MiB in one). The flag is read each time V8 would grow it, so setting it once the process runs takes
 * effect; another path of V8's may still grow it now and then.
 */
export function keepYoungGenerationSmall (): void {
  setFlagsFromString('--semi-space-growth-factor=1')
}

export function startBufferCollector (options: BufferCollectorOptions): BufferCollector {
  const slack = options.slackBytes ?? SLACK_BYTES
  const collect = fullCollector()
  let floor = memoryUsage().arrayBuffers
  const timer = setInterval(() => {
    if (!options.busy()) return
    const now = memoryUsage().arrayBuffers
    if (now < floor) floor = now
    if (now - floor < slack) return
    collect()
    floor = memoryUsage().arrayBuffers
  }, options.everyMs ?? EVERY_MS)
  timer.unref()
  return { stop: () => { clearInterval(timer) } }
}
