// Frees the buffers of bytes passing through a busy service soon after they are used, paced by the
// bytes rather than by the clock. Each chunk a transfer moves is a small JS object over a large native
// buffer (64 KiB to 4 MiB); V8 frees the buffer only once it collects the object. It collects young
// objects when its young generation fills with JS objects, which streaming does slowly, and runs a full
// collection of its own once about 64 MiB of buffers have piled up: a plain Node 24 HTTP pipe grew from
// 60 to 148 MiB RSS moving 512 MiB.
//
// So while the service is busy this looks, every EVERY_MS, at how many bytes of buffers exist (Node's
// count of ArrayBuffer bytes: a call of about 15 microseconds), and runs a young collection once they
// have grown YOUNG_SLACK_BYTES past what the last collection left. A young collection takes well under a
// millisecond (the young objects are few), and frees every chunk that died since. A chunk that outlives
// two of them has moved to the old generation, where only a full collection frees it, and a full
// collection marks the whole heap (18 to 24 MiB in a service: 10 to 70 ms of CPU each). So this runs one
// only when what a young collection leaves has grown OLD_SLACK_BYTES past what the last full one left.
// V8's own full collections are made rarer (growOldGenerationToTwiceItsLiveSize), so that these, paced
// by the bytes, are most of them.
//
// Measured (512 MiB downloaded through a peer's page, docs/performance.md): the clock-paced collector
// before this (a young collection every 10 ms while busy, a full one per 16 MiB of buffers that died
// old) ran about 90 full collections per GiB in the pserver; the services spent about 20 CPU-s per GiB
// at 60 MiB/s where this spends about 15 at 100 MiB/s, for peaks a few MiB to 20 MiB higher
// (pserver 151 against 146, pclient 172-186 against 155-166, proxy 113-119 against 97).
// Without any of it, the peaks were 200 to 240 MiB.
import { memoryUsage } from 'node:process'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

const EVERY_MS = 10
const MiB = 1024 * 1024
// Halved (from 16 and 32) once the big buffers of every transfer path were freed as soon as used
// (spent-buffers.ts): what is left to collect per byte moved is a third or less of what it was, so
// collecting at half the slack costs no more CPU, and the peaks under concurrency came out 5 to 20 MiB
// lower (docs/performance.md, "Disk reads and upload chunks freed once encoded").
const YOUNG_SLACK_BYTES = 8 * MiB
const OLD_SLACK_BYTES = 16 * MiB

export interface BufferCollectorOptions {
  /** True while the service is busy (the garbage pacer's judgement); an idle service is left alone. */
  busy: () => boolean
  youngSlackBytes?: number
  oldSlackBytes?: number
  everyMs?: number
}

export interface BufferCollector {
  stop: () => void
}

type CollectGarbage = (options: { type: 'major' | 'minor', execution?: 'sync' | 'async', flavor?: 'regular' | 'last-resort' }) => void

/**
 * V8 exposes its collector only under --expose-gc; setting the flag at run time and reading `gc` from
 * a new context gives it without changing how the process is started (the flag only adds the global).
 */
export function exposeCollector (): CollectGarbage {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as CollectGarbage
}

/**
 * Bytes of ArrayBuffers (so Buffers) alive. Not V8's external_memory (getHeapStatistics), which is
 * cheaper but was seen to stay up after the buffers were freed; this costs about 15 microseconds.
 */
export function externalBytes (): number {
  return memoryUsage().arrayBuffers
}

/**
 * Keeps V8's young generation at its starting size. V8 grows it (up to 64 MiB in Node 24) when many
 * objects survive young collections, which frequent ones make likely; a service's young objects are
 * few and small (the bytes it moves are in buffers outside the heap), so the growth only added to the
 * peak (measured on the pserver: a 64 MiB young generation after an upload; 2 MiB with this in most
 * runs, 16 MiB in one). The flag is read each time V8 would grow it, so setting it once the process
 * runs takes effect; another path of V8's may still grow it now and then.
 */
export function keepYoungGenerationSmall (): void {
  setFlagsFromString('--semi-space-growth-factor=1')
}

/**
 * Lets the old generation grow to twice what the last full collection left before V8 starts the next
 * one. V8 picks that factor itself from how fast the program allocates on its heap: a service moving
 * bytes allocates little there (the bytes are in buffers outside it), so V8 chose 1.1, the least, and
 * with a live heap of about 18 MiB it ran a full collection for every 9 MiB the old generation grew:
 * about one a second in a pserver sending 20 MiB/s, 42 to 160 per pserver in a one-minute run, most of its
 * CPU. Measured (`npm run bench`, 2026-12-06, 14:45 against 17:17, with OLD_SLACK_BYTES at 32 MiB):
 * a pserver capped at 20 MiB/s 9.80 -> 7.04 CPU-s/GiB, a user download 18.22 -> 14.08 for all the
 * services, an upload 23.07 -> 13.24, every path faster, peaks 5-45 MiB higher. Factor 3 saved a little
 * more CPU for 20-30 MiB higher peaks; 1.5 did worse than V8's choice (docs/performance.md).
 */
export function growOldGenerationToTwiceItsLiveSize (): void {
  setFlagsFromString('--heap-growing-percent=100')
}

/**
 * Turns V8's incremental marking off, so that a full collection runs only when the old generation
 * reaches its limit, or when one is asked for. In the proxy (a live heap of 10-11 MiB) V8 started
 * incremental marking 35-50 times per GiB relayed, far below its limit ("allocation limit" with 12 of
 * 22 MiB to spare, `--trace-incremental-marking`), and the young collection this collector asked for
 * next finished each one as a full collection that found almost nothing (10.7 -> 10.6 MiB): 0.2-0.7
 * CPU-s of the proxy's 2.0-2.2 per GiB. Without it the proxy ran 0-8 full collections per GiB and
 * spent 1.0-1.3 CPU-s per GiB (docs/performance.md, "Pieces of 1 MiB, hashed without a second V8").
 * The pserver and the pclient joined once they shipped bundled: their live heaps shrank to the same
 * 11-15 MiB (18 before) and V8 marked them as often (a pserver: 39 markings in a 512 MiB upload and
 * three downloads, 1 without the bundle), the downloads spending 2.5-2.7 CPU-s/GiB in the pserver and
 * 3.3-3.9 in the pclient with it, 1.5-1.6 and 2.7-2.8 without (docs/performance.md, "One file per
 * service, and jemalloc"). Unbundled, the pserver had spent more without it.
 */
export function markOnlyWhenFull (): void {
  setFlagsFromString('--no-incremental-marking')
}

/**
 * Collects as V8 does when memory runs short ("last resort": full collections until nothing more is
 * freed, and the heap's free pages given back), so that a service gone quiet holds no more of V8's heap
 * than it needs. Measured on the compiled services just after they started (2026-12-06): 50-90 ms each,
 * heap 3-5 MiB smaller, RSS 4-6 MiB lower (central 94 -> 89, pserver 87 -> 83, pclient 92 -> 88, proxy
 * 77 -> 73); a plain full collection gave back nothing.
 */
export function collectAllAvailableGarbage (collect: CollectGarbage): void {
  collect({ type: 'major', execution: 'sync', flavor: 'last-resort' })
}

export function startBufferCollector (options: BufferCollectorOptions): BufferCollector {
  const youngSlack = options.youngSlackBytes ?? YOUNG_SLACK_BYTES
  const oldSlack = options.oldSlackBytes ?? OLD_SLACK_BYTES
  const collect = exposeCollector()
  /** What the last collection of either kind left; what the last full one left. */
  let afterLast = externalBytes()
  let afterFull = afterLast
  const timer = setInterval(() => {
    if (!options.busy()) return
    const now = externalBytes()
    // V8 collected on its own, or freed what the last collection left after it was measured (it frees
    // buffers on a background thread): measure from there.
    afterLast = Math.min(afterLast, now)
    if (now - afterLast < youngSlack) return
    collect({ type: 'minor' })
    afterLast = externalBytes()
    afterFull = Math.min(afterFull, afterLast)
    if (afterLast - afterFull < oldSlack) return
    collect({ type: 'major' })
    afterLast = externalBytes()
    afterFull = afterLast
  }, options.everyMs ?? EVERY_MS)
  timer.unref()
  return { stop: () => { clearInterval(timer) } }
}
