// Downloads hash on the shared hashing thread of @p2p/proto, so a download's two hashes (about 1 ms per
// MiB together) do not hold up the main thread. One thread serves every download of the process; it
// starts with the first job and keeps the process alive only while an answer is awaited. A failure of
// the thread is this client's fault, not the peer's: it surfaces as PCLIENT_INTERNAL.
import { sharedHashWorker } from '@p2p/proto'
import { InternalError } from '../errors.js'

export interface HashJob {
  /** Adds bytes (copied; the caller keeps its buffer) to the current piece and, if asked for, the whole file. */
  update: (chunk: Buffer) => void
  /** Ends the current piece: its 32-byte SHA-256. */
  endPiece: () => Promise<Buffer>
  /** The hex SHA-256 of everything, for a job opened with `whole`; call once, after the last update (and endPiece()). */
  wholeDigest: () => Promise<string>
  /** Remembers the whole digest's state after an accepted piece, for rewind(). */
  mark: () => void
  /** Forgets the bytes since the last mark (a piece whose sender failed halfway). */
  rewind: () => void
  /** From here on only the whole content is hashed (its pieces are verified by jobs of their own). */
  wholeOnly: () => void
  /** Forgets the job (pending answers are dropped). */
  close: () => void
}

/**
 * Starts a job on the hashing thread (starting the thread if needed). `pieces: false` hashes only the
 * whole content (its bytes were verified piece by piece elsewhere); endPiece() must not be called then.
 */
export function openHashJob (options: { whole: boolean, pieces?: boolean }): HashJob {
  const job = sharedHashWorker().open({ whole: options.whole, pieces: options.pieces === false ? 'none' : 'marked' })
  const internal = (err: unknown): never => { throw new InternalError({ cause: err }) }
  return {
    update: job.update,
    endPiece: async () => await job.endPiece().catch(internal),
    wholeDigest: async () => (await job.end().catch(internal)).sha256,
    mark: job.mark,
    rewind: job.rewind,
    wholeOnly: job.wholeOnly,
    close: job.close
  }
}
