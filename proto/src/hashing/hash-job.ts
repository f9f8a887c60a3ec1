// One hashing job on the hashing thread, seen from the main thread: the bytes it is given are copied
// into batch buffers that are handed to the thread whole (transferred, not copied again) and come back
// once hashed; the answers it awaits (a piece's digest, the end) arrive in the order they were asked.
/**
 * How a job's content is cut into pieces: 'marked', a piece ends at each endPiece(); a number, a piece
 * ends every that many bytes (their digests come with end()); 'none', no piece digests at all.
 */
export type PieceCutting = 'marked' | 'none' | number

export interface HashJobOptions {
  /** Also hash all the bytes into one digest, which end() returns. */
  whole: boolean
  pieces: PieceCutting
}

export interface HashResult {
  /** Bytes hashed. */
  size: number
  /** Lower-case hex SHA-256 of everything; '' for a job opened without `whole`. */
  sha256: string
  /** The SHA-256 of every piece cut by size, 32 raw bytes each, in order; empty otherwise. */
  pieces: Buffer
}

export interface HashJob {
  /** Adds bytes (copied: the caller may reuse its buffer). Does nothing once the job failed. */
  update: (chunk: Uint8Array) => void
  /** Resolves once few enough of this job's batches wait for the thread, so a fast producer is paced by the hashing. */
  ready: () => Promise<void>
  /** Ends the current piece of a 'marked' job: its 32-byte SHA-256. */
  endPiece: () => Promise<Buffer>
  /** Ends the job, after the last update: what was hashed. Call once. */
  end: () => Promise<HashResult>
  /**
   * Remembers where the whole digest is now, after bytes the caller accepted (a piece whose digest
   * matched), so rewind() can come back here.
   */
  mark: () => void
  /**
   * Forgets every byte since the last mark (since the start, without one), the piece they began
   * included: bytes of a piece whose sender failed halfway are not part of the content.
   */
  rewind: () => void
  /** From here on, hashes only the whole content: the pieces that follow are verified elsewhere. */
  wholeOnly: () => void
  /** Forgets the job; answers still awaited are dropped. */
  close: () => void
}

/** What a job needs of the thread it runs on. */
export interface HashChannel {
  post: (message: unknown[], transfer?: ArrayBuffer[]) => void
  /** A batch buffer of `batchBytes`, reused when one came back. */
  takeBatch: () => ArrayBuffer
  /** ready() waits while this many of the job's batches are with the thread. */
  batchesInFlight: number
}

/** An answer of the thread, as the job receives it. */
export type HashAnswer = { kind: 'piece', digest: Buffer } | { kind: 'end', sha256: string, pieces: Buffer }

/** The side of a job the thread's replies reach. */
export interface RunningHashJob extends HashJob {
  receive: (answer: HashAnswer) => void
  batchReturned: () => void
  fail: (err: Error) => void
}

interface Awaited {
  kind: HashAnswer['kind']
  resolve: (answer: HashAnswer) => void
  reject: (err: Error) => void
}

export function startHashJob (id: number, options: HashJobOptions, channel: HashChannel): RunningHashJob {
  let batch: Uint8Array | null = null
  let filled = 0
  let size = 0
  let markedSize = 0
  let wholeOnly = false
  let inFlight = 0
  let failure: Error | null = null
  let closed = false
  const answers: Awaited[] = []
  let waiters: Array<() => void> = []

  const wakeWaiters = (): void => {
    const woken = waiters
    waiters = []
    for (const wake of woken) wake()
  }

  function post (): void {
    if (batch == null || filled === 0) return
    const buffer = batch.buffer as ArrayBuffer
    // Transferred, not copied: the batch is the thread's until it comes back, hashed.
    channel.post(['data', id, buffer, filled], [buffer])
    batch = null
    filled = 0
    inFlight++
  }

  async function ask<K extends HashAnswer['kind']> (kind: K): Promise<Extract<HashAnswer, { kind: K }>> {
    if (failure != null) throw failure
    if (closed) throw new Error('the hash job was closed')
    post()
    return await new Promise((resolve, reject) => {
      // receive() checks the kind before it resolves.
      answers.push({ kind, resolve: resolve as (answer: HashAnswer) => void, reject })
      channel.post([kind, id])
    })
  }

  channel.post(['open', id, options.whole, options.pieces])
  return {
    update (chunk) {
      if (failure != null || closed) return
      size += chunk.length
      for (let at = 0; at < chunk.length;) {
        batch ??= new Uint8Array(channel.takeBatch())
        const take = Math.min(batch.length - filled, chunk.length - at)
        batch.set(at === 0 && take === chunk.length ? chunk : chunk.subarray(at, at + take), filled)
        filled += take
        at += take
        if (filled === batch.length) post()
      }
    },
    async ready () {
      while (inFlight >= channel.batchesInFlight && failure == null && !closed) {
        await new Promise<void>((resolve) => { waiters.push(resolve) })
      }
      if (failure != null) throw failure
    },
    async endPiece () {
      if (options.pieces !== 'marked' || wholeOnly) throw new Error("endPiece() needs a job opened with pieces: 'marked' (and not made whole-only)")
      return (await ask('piece')).digest
    },
    async end () {
      const { sha256, pieces } = await ask('end')
      return { size, sha256, pieces }
    },
    mark () {
      if (failure != null || closed) return
      post()
      markedSize = size
      channel.post(['mark', id])
    },
    rewind () {
      if (failure != null || closed) return
      // Bytes not yet handed to the thread are simply dropped; those with it are forgotten there.
      filled = 0
      size = markedSize
      channel.post(['rewind', id])
    },
    wholeOnly () {
      if (failure != null || closed) return
      post()
      wholeOnly = true
      channel.post(['whole-only', id])
    },
    close () {
      if (closed) return
      closed = true
      answers.length = 0
      batch = null
      wakeWaiters()
      channel.post(['close', id])
    },
    receive (answer) {
      const waiter = answers.shift()
      if (waiter == null) return
      if (waiter.kind !== answer.kind) waiter.reject(new Error(`the hashing thread answered ${answer.kind} to ${waiter.kind}`))
      else waiter.resolve(answer)
    },
    batchReturned () {
      inFlight--
      wakeWaiters()
    },
    fail (err) {
      failure ??= err
      for (const waiter of answers.splice(0)) waiter.reject(failure)
      wakeWaiters()
    }
  }
}
