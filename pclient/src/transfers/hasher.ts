// SHA-256 of pieces and of whole files on a thread of its own, so a download's two hashes (about 1 ms
// per MiB together) do not hold up the main thread. The main thread only copies the bytes into batch
// buffers it hands over (a memcpy, far cheaper than hashing), which come back as soon as they were
// hashed, so a few are reused rather than new ones allocated. One thread serves every download of the
// process; it starts with the first job and keeps the process alive only while an answer is awaited.
import { Worker } from 'node:worker_threads'
import { InternalError } from '../errors.js'

/** Bytes handed to the thread per message: a few messages per piece, so hashing keeps up as bytes arrive. */
const BATCH_BYTES = 256 * 1024
/** Batch buffers kept for reuse, across all jobs. */
const MAX_POOLED_BATCHES = 8
/** The thread only hashes: a small heap is plenty, and keeps the process's memory down. */
const THREAD_LIMITS = { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 }

export interface HashJob {
  /** Adds bytes (copied; the caller keeps its buffer) to the current piece and, if asked for, the whole file. */
  update: (chunk: Buffer) => void
  /** Ends the current piece: its 32-byte SHA-256. */
  endPiece: () => Promise<Buffer>
  /** The hex SHA-256 of everything, for a job opened with `whole`; call once, after the last update (and endPiece()). */
  wholeDigest: () => Promise<string>
  /** Forgets the job (pending answers are dropped). */
  close: () => void
}

type Reply = ['piece', number, Uint8Array] | ['whole', number, string] | ['free', ArrayBuffer]

interface Pending {
  kind: 'piece' | 'whole'
  resolve: (value: Buffer | string) => void
  reject: (err: Error) => void
}

let thread: HashThread | null = null

/**
 * Starts a job on the hashing thread (starting the thread if needed). `pieces: false` hashes only the
 * whole content (its bytes were verified piece by piece elsewhere); endPiece() must not be called then.
 */
export function openHashJob (options: { whole: boolean, pieces?: boolean }): HashJob {
  thread ??= new HashThread(() => { thread = null })
  return thread.open(options.whole, options.pieces ?? true)
}

class HashThread {
  readonly #worker: Worker
  readonly #pending = new Map<number, Pending[]>()
  readonly #pool: ArrayBuffer[] = []
  #nextId = 1
  /** Answers awaited; the thread keeps the process alive only while there are some. */
  #awaited = 0

  constructor (onDead: () => void) {
    // No execArgv: the thread needs neither tsx nor the parent's flags.
    this.#worker = new Worker(new URL('./hasher-thread.mjs', import.meta.url), { execArgv: [], resourceLimits: THREAD_LIMITS })
    this.#worker.unref()
    this.#worker.on('message', (reply: Reply) => { this.#answer(reply) })
    const fail = (err: Error): void => {
      onDead()
      for (const queue of this.#pending.values()) for (const waiter of queue) waiter.reject(new InternalError({ cause: err }))
      this.#pending.clear()
      this.#awaited = 0
    }
    this.#worker.on('error', fail)
    this.#worker.on('exit', (code) => { fail(new Error(`the hashing thread exited with code ${code}`)) })
  }

  open (whole: boolean, pieces: boolean): HashJob {
    const id = this.#nextId++
    const queue: Pending[] = []
    this.#pending.set(id, queue)
    this.#worker.postMessage(['open', id, whole, pieces])
    let batch: { buffer: ArrayBuffer, bytes: Uint8Array } | null = null
    let filled = 0
    const post = (): void => {
      if (batch == null || filled === 0) return
      // Transferred, not copied: the batch is the thread's until it comes back, hashed.
      this.#worker.postMessage(['data', id, batch.buffer, filled], [batch.buffer])
      batch = null
      filled = 0
    }
    const newBatch = (): { buffer: ArrayBuffer, bytes: Uint8Array } => {
      const buffer = this.#pool.pop() ?? new ArrayBuffer(BATCH_BYTES)
      return { buffer, bytes: new Uint8Array(buffer) }
    }
    const ask = async <T extends Buffer | string>(kind: 'piece' | 'whole'): Promise<T> => {
      post()
      return await new Promise<T>((resolve, reject) => {
        queue.push({ kind, resolve: resolve as (value: Buffer | string) => void, reject })
        if (this.#awaited++ === 0) this.#worker.ref()
        this.#worker.postMessage([kind, id])
      })
    }
    return {
      update: (chunk) => {
        for (let offset = 0; offset < chunk.length;) {
          batch ??= newBatch()
          const count = Math.min(chunk.length - offset, BATCH_BYTES - filled)
          batch.bytes.set(chunk.subarray(offset, offset + count), filled)
          filled += count
          offset += count
          if (filled === BATCH_BYTES) post()
        }
      },
      endPiece: async () => await ask<Buffer>('piece'),
      wholeDigest: async () => await ask<string>('whole'),
      close: () => {
        const dropped = this.#pending.get(id)?.length ?? 0
        this.#pending.delete(id)
        this.#settled(dropped)
        this.#worker.postMessage(['close', id])
      }
    }
  }

  #settled (count: number): void {
    if (count === 0) return
    this.#awaited -= count
    if (this.#awaited === 0) this.#worker.unref()
  }

  #answer (reply: Reply): void {
    if (reply[0] === 'free') {
      if (this.#pool.length < MAX_POOLED_BATCHES) this.#pool.push(reply[1])
      return
    }
    const waiter = this.#pending.get(reply[1])?.shift()
    if (waiter == null) return
    this.#settled(1)
    if (waiter.kind !== reply[0]) {
      waiter.reject(new InternalError({ cause: new Error(`the hashing thread answered ${reply[0]} to ${waiter.kind}`) }))
      return
    }
    const value = reply[2]
    waiter.resolve(typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength))
  }
}
