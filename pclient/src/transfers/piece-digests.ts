// The piece hashes of a download that needs no whole-file hash (its piece table is the one the central
// vouched for: piece-map.ts), taken by WebCrypto on libuv's thread pool instead of on the shared hashing
// thread. That thread is a second V8 instance in the process, about 16 MiB of RSS while it runs
// (docs/performance.md, "Pieces of 1 MiB, hashed without a second V8"); the common download no longer
// starts it, and only a whole-file hash (a table not vouched for) still does.
//
// The job keeps views of a piece's bytes until the piece ends, then copies them into one scratch buffer,
// because digest() takes one buffer. digest() copies its input again before it returns (Node's HashJob
// copies for the thread pool, synchronously), so the scratch is free for the next piece, of any job, as
// soon as the call returned: one buffer for the whole process, as large as the largest piece seen.
import { subtle } from 'node:crypto'
import { InternalError } from '../errors.js'
import type { HashJob } from './hash-job.js'

let scratch: Buffer | null = null

/** A job that hashes pieces only: mark() has nothing to remember, wholeDigest() and wholeOnly() are not for it. */
export function openPieceDigests (): HashJob {
  let parts: Buffer[] = []
  let bytes = 0
  const forget = (): void => {
    parts = []
    bytes = 0
  }
  const notWhole = (): never => { throw new InternalError({ cause: new Error('this hashing job hashes pieces only') }) }
  return {
    update (chunk) {
      parts.push(chunk)
      bytes += chunk.length
    },
    async endPiece () {
      // Everything up to the digest() call runs before this returns, while the caller still holds the bytes.
      const piece = gather(parts, bytes)
      forget()
      try {
        return Buffer.from(await subtle.digest('SHA-256', piece))
      } catch (err) {
        throw new InternalError({ cause: err })
      }
    },
    wholeDigest: async () => notWhole(),
    mark () {},
    rewind: forget,
    wholeOnly: notWhole,
    close: forget
  }
}

/** The piece's bytes in one buffer: the only part as it is, or the parts copied into the scratch buffer. */
function gather (parts: readonly Buffer[], bytes: number): Buffer {
  if (parts.length === 1) return parts[0]!
  if (scratch == null || scratch.length < bytes) scratch = Buffer.allocUnsafeSlow(bytes)
  let at = 0
  for (const part of parts) at += part.copy(scratch, at)
  return scratch.subarray(0, bytes)
}
