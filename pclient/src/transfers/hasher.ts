// Downloads hash off the main thread, so a download's two hashes (about 1 ms per MiB together) do not
// hold up the main thread: the whole file's on the shared hashing thread of @p2p/proto, pieces alone on
// libuv's thread pool (piece-digests.ts). One hashing thread serves every download of the process; it
// starts with the first job that needs it and keeps the process alive only while an answer is awaited.
// A failure of either is this client's fault, not the peer's: it surfaces as PCLIENT_INTERNAL.
import { sharedHashWorker } from '@p2p/proto'
import { InternalError } from '../errors.js'
import type { HashJob } from './hash-job.js'
import { openPieceDigests } from './piece-digests.js'

export type { HashJob } from './hash-job.js'

/**
 * Starts a job: on the hashing thread (starting the thread if needed) when the whole content is hashed,
 * else on libuv's thread pool (piece-digests.ts). `pieces: false` hashes only the whole content (its
 * bytes were verified piece by piece elsewhere); endPiece() must not be called then.
 */
export function openHashJob (options: { whole: boolean, pieces?: boolean }): HashJob {
  if (!options.whole && options.pieces !== false) return openPieceDigests()
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
