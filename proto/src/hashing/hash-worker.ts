// SHA-256 of pieces and of whole contents on a thread of its own (hash-thread.mjs), so the hashing a
// transfer needs (about 1 ms per MiB for each digest) runs beside the event loop that moves the bytes
// instead of taking turns with it (measured on the pserver: uploads about 25% faster on a loaded 2-core
// machine). The main thread only copies bytes into batch buffers (a memcpy, far cheaper than hashing)
// that it hands over and gets back, hashed, to reuse. One thread serves every job of a worker; it
// starts with the first job, starts again after it died, and keeps the process alive only while an
// answer is awaited. Once no job has run for a while it stops, and the batches kept for reuse are
// freed: a quiet service holds neither (about 10 MiB of a pserver's idle memory, docs/performance.md).
// The next job starts it again, in a few tens of milliseconds.
import { Worker } from 'node:worker_threads'
import { freeNow } from '../runtime/spent-buffers.js'
import { startHashJob } from './hash-job.js'
import type { HashAnswer, HashJob, HashJobOptions, RunningHashJob } from './hash-job.js'

export interface HashWorkerOptions {
  /** Bytes handed to the thread per message. */
  batchBytes?: number
  /** Batch buffers kept for reuse, across all jobs. */
  pooledBatches?: number
  /** A job's ready() waits while this many of its batches are with the thread. */
  batchesInFlight?: number
  /** The thread stops once this long has passed with no job open and no answer awaited. */
  idleStopMs?: number
}

export interface HashWorker {
  /** Starts a job (and the thread, if it is not running). Throws once the worker was closed. */
  open: (options: HashJobOptions) => HashJob
  /** Stops the thread for good; jobs still running fail. */
  close: () => Promise<void>
  /** Whether the thread runs now (it starts with a job and stops once idle). */
  readonly threadRunning: boolean
}

/** A few messages per piece, so the hashing keeps up as bytes arrive. */
const DEFAULT_BATCH_BYTES = 256 * 1024
/** Enough for the batches of a few downloads' piece jobs at once (4 MiB kept): each new one costs an allocation and garbage. */
const DEFAULT_POOLED_BATCHES = 16
const DEFAULT_BATCHES_IN_FLIGHT = 3
/** Long enough that the jobs of one busy spell (a transfer's pieces, one upload after another) share a thread. */
const DEFAULT_IDLE_STOP_MS = 10_000
/** The thread only hashes: a small heap is plenty, and keeps the process's memory down. */
const THREAD_LIMITS = { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 }
/** A plain .mjs file beside this one, so it starts without tsx and ships as it is with compiled code. */
const THREAD_FILE = new URL('./hash-thread.mjs', import.meta.url)

type ThreadReply = ['free', number, ArrayBuffer] | ['piece', number, Uint8Array] | ['end', number, string, ArrayBuffer]

export function createHashWorker (options: HashWorkerOptions = {}): HashWorker {
  const batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES
  const pooledBatches = options.pooledBatches ?? DEFAULT_POOLED_BATCHES
  const batchesInFlight = options.batchesInFlight ?? DEFAULT_BATCHES_IN_FLIGHT
  const idleStopMs = options.idleStopMs ?? DEFAULT_IDLE_STOP_MS
  const pool: ArrayBuffer[] = []
  let thread: HashThread | null = null
  let stopped = false
  let nextId = 1
  let idleTimer: NodeJS.Timeout | null = null

  /** Stops the thread if it is still idle when the time is up; a job that comes meanwhile keeps it. */
  const stopWhenIdle = (): void => {
    if (idleTimer != null) clearTimeout(idleTimer)
    idleTimer = setTimeout(() => {
      idleTimer = null
      const idle = thread
      if (idle == null || !idle.idle) return
      thread = null
      // Nothing else holds a pooled batch: freed now rather than when the collector gets to them.
      for (const batch of pool.splice(0)) freeNow(batch)
      void idle.stop()
    }, idleStopMs)
    idleTimer.unref()
  }

  const startThread = (): HashThread => {
    const started: HashThread = new HashThread({
      // Not zero-filled (allocUnsafeSlow: a buffer of its own, never a slice of Node's pool): every byte
      // of a batch is written before the thread reads it, and zeroing 256 KiB showed in the pclient's profile.
      takeBatch: () => pool.pop() ?? Buffer.allocUnsafeSlow(batchBytes).buffer as ArrayBuffer,
      returnBatch: (buffer) => { if (pool.length < pooledBatches && buffer.byteLength === batchBytes) pool.push(buffer) },
      batchesInFlight,
      onDead: () => { if (thread === started) thread = null },
      onIdle: stopWhenIdle
    })
    return started
  }

  return {
    open (jobOptions) {
      if (stopped) throw new Error('the hash worker was stopped')
      thread ??= startThread()
      return thread.open(nextId++, jobOptions)
    },
    get threadRunning () { return thread != null },
    async close () {
      stopped = true
      if (idleTimer != null) clearTimeout(idleTimer)
      const running = thread
      thread = null
      running?.fail(new Error('the hash worker was stopped'))
      await running?.terminate()
    }
  }
}

let shared: HashWorker | null = null

/** The process's hash worker, with the default batches, for callers that do not manage one; never closed. */
export function sharedHashWorker (): HashWorker {
  shared ??= createHashWorker()
  return shared
}

interface ThreadOptions {
  takeBatch: () => ArrayBuffer
  returnBatch: (buffer: ArrayBuffer) => void
  batchesInFlight: number
  onDead: () => void
  /** Told each time the thread has no job open and no answer awaited. */
  onIdle: () => void
}

/** One running thread and the jobs on it. */
class HashThread {
  readonly #worker: Worker
  readonly #options: ThreadOptions
  readonly #jobs = new Map<number, RunningHashJob>()
  /** Requests whose answer has not come yet (batches to hand back included). */
  #awaited = 0
  #dead = false

  constructor (options: ThreadOptions) {
    this.#options = options
    // No execArgv: the thread needs neither tsx nor the parent's flags.
    this.#worker = new Worker(THREAD_FILE, { execArgv: [], resourceLimits: THREAD_LIMITS })
    this.#worker.unref()
    this.#worker.on('message', (reply: ThreadReply) => { this.#receive(reply) })
    this.#worker.on('error', (err) => { this.fail(err) })
    this.#worker.on('exit', (code) => { this.fail(new Error(`the hashing thread exited with code ${code}`)) })
  }

  open (id: number, options: HashJobOptions): HashJob {
    const job = startHashJob(id, options, {
      post: (message, transfer) => { this.#post(message, transfer) },
      takeBatch: this.#options.takeBatch,
      batchesInFlight: this.#options.batchesInFlight
    })
    this.#jobs.set(id, job)
    return {
      update: job.update,
      ready: job.ready,
      endPiece: job.endPiece,
      mark: job.mark,
      rewind: job.rewind,
      wholeOnly: job.wholeOnly,
      end: async () => {
        try {
          return await job.end()
        } finally {
          this.#jobs.delete(id)
          this.#checkIdle()
        }
      },
      close: () => {
        job.close()
        this.#jobs.delete(id)
        this.#checkIdle()
      }
    }
  }

  get idle (): boolean {
    return !this.#dead && this.#jobs.size === 0 && this.#awaited === 0
  }

  /** Ends an idle thread; a job opened afterwards starts another. */
  async stop (): Promise<void> {
    this.#dead = true
    await this.#worker.terminate()
  }

  #checkIdle (): void {
    if (this.idle) this.#options.onIdle()
  }

  /** Fails every job on this thread; the next job starts a new one. */
  fail (err: Error): void {
    if (this.#dead) return
    this.#dead = true
    this.#options.onDead()
    for (const job of this.#jobs.values()) job.fail(err)
    this.#jobs.clear()
    this.#worker.unref()
  }

  async terminate (): Promise<void> {
    await this.#worker.terminate()
  }

  #post (message: unknown[], transfer: ArrayBuffer[] = []): void {
    if (this.#dead) return
    const answered = message[0] === 'data' || message[0] === 'piece' || message[0] === 'end'
    if (answered && this.#awaited++ === 0) this.#worker.ref()
    this.#worker.postMessage(message, transfer)
  }

  #receive (reply: ThreadReply): void {
    if (--this.#awaited === 0) this.#worker.unref()
    const job = this.#jobs.get(reply[1])
    if (reply[0] === 'free') {
      this.#options.returnBatch(reply[2])
      job?.batchReturned()
      this.#checkIdle()
      return
    }
    const answer: HashAnswer = reply[0] === 'piece'
      ? { kind: 'piece', digest: Buffer.from(reply[2].buffer, reply[2].byteOffset, reply[2].byteLength) }
      : { kind: 'end', sha256: reply[2], pieces: Buffer.from(reply[3]) }
    job?.receive(answer)
  }
}
