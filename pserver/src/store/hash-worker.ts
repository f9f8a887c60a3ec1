// The store's use of the shared hashing worker (@p2p/proto): upload content hashed on a thread of its
// own, whole and per piece (pieceBytesFor() of the size announced), as it arrives. Each hasher copies the bytes it is given into
// SEGMENT_BYTES buffers handed to the thread; at most MAX_SEGMENTS_IN_FLIGHT per upload wait for it,
// so a slow thread paces the sender as a slow disk does, and an upload holds a few MiB at most.
import { createHashWorker, pieceBytesFor } from '@p2p/proto'
import type { ContentDigest } from './content-digest.js'

export interface PieceHasher {
  /** Takes a copy of `chunk`; resolves once the worker can take more. */
  update: (chunk: Uint8Array) => Promise<void>
  /** Ends the hashing; call once. */
  digest: () => Promise<ContentDigest>
  /** Forgets this hashing (an aborted upload). */
  abort: () => void
}

export interface HashPool {
  /** A hasher for content of `size` bytes (or at most that many): its piece size follows from it. */
  hasher: (contentSize: number) => PieceHasher
  /** Stops the worker; hashers still running fail. */
  close: () => Promise<void>
}

const SEGMENT_BYTES = 1024 * 1024
const MAX_SEGMENTS_IN_FLIGHT = 3
const MAX_SPARE_BUFFERS = 2

export function createHashPool (): HashPool {
  const worker = createHashWorker({ batchBytes: SEGMENT_BYTES, batchesInFlight: MAX_SEGMENTS_IN_FLIGHT, pooledBatches: MAX_SPARE_BUFFERS })
  return {
    hasher (contentSize) {
      const pieceBytes = pieceBytesFor(contentSize)
      const job = worker.open({ whole: true, pieces: pieceBytes })
      return {
        async update (chunk) {
          job.update(chunk)
          await job.ready()
        },
        async digest () {
          const { size, sha256, pieces } = await job.end()
          return { size, sha256, pieceBytes, pieces }
        },
        abort () { job.close() }
      }
    },
    close: worker.close
  }
}
