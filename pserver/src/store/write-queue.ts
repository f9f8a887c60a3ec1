// A bounded write-behind queue: chunks are handed to the disk in batches (one writev per batch) while
// the caller goes on receiving the next ones, so network and disk work overlap. Once `limitBytes` wait
// for the disk, write() only resolves when the disk has caught up: awaiting it paces the sender and
// bounds the memory one upload holds.

export interface WriteQueue {
  /** Queues `chunk` (kept, not copied: the caller must not reuse it). Rejects with the first write error. */
  write: (chunk: Uint8Array) => Promise<void>
  /** Resolves once everything queued is written; rejects with the first write error. */
  flush: () => Promise<void>
  /** Bytes queued and not yet written. */
  readonly queuedBytes: number
}

/** `writev` must write every byte of the batch, in order, after the bytes of the previous batch. */
export function createWriteQueue (writev: (chunks: Uint8Array[]) => Promise<void>, limitBytes: number): WriteQueue {
  let queue: Uint8Array[] = []
  let queued = 0
  let running: Promise<void> | null = null
  let failure: { error: unknown } | null = null
  let waiters: Array<() => void> = []

  const wake = (): void => {
    const ready = waiters
    waiters = []
    for (const resolve of ready) resolve()
  }

  async function run (): Promise<void> {
    while (queue.length > 0 && failure == null) {
      const batch = queue
      queue = []
      let bytes = 0
      for (const chunk of batch) bytes += chunk.length
      try {
        await writev(batch)
      } catch (error) {
        failure = { error }
      }
      queued -= bytes
      if (queued < limitBytes || failure != null) wake()
    }
    running = null
    wake()
  }

  const check = (): void => {
    if (failure != null) throw failure.error
  }

  return {
    async write (chunk) {
      check()
      if (chunk.length === 0) return
      queue.push(chunk)
      queued += chunk.length
      running ??= run()
      if (queued >= limitBytes) {
        await new Promise<void>((resolve) => { waiters.push(resolve) })
        check()
      }
    },
    async flush () {
      while (running != null) await running
      check()
    },
    get queuedBytes () { return queued }
  }
}
