// Frees a downloaded chunk's memory once the user's socket has taken it (@p2p/proto's spent-buffers.ts:
// the piece verifier marks each Download message's data as the sole view of its buffer). Measured by
// hand on a 1 GiB download through a page (compiled services, two runs each, a scratch harness like
// the benchmark's): the pclient's CPU per GiB fell from 4.4-5.1 to 2.3-3.3 seconds, its peak RSS from
// 170-178 to 152-166 MiB. With four downloads and two uploads at once its peak did not move beyond the
// spread of runs (229-240 MiB against 225-237).
import type { Readable, Writable } from 'node:stream'
import { Transform } from 'node:stream'
import type { TransformCallback } from 'node:stream'
import { WrittenChunks } from '@p2p/proto/runtime'

/**
 * A pass-through for the bytes sent to `destination` (an HTTP response), freeing each marked chunk
 * once it has certainly been written (WrittenChunks): the bytes this stream emitted are those pushed
 * less what still waits in its own buffer, since the pipe writes a chunk in the turn it is emitted.
 * Checked before each chunk, and by WrittenChunks when the response drains or finished.
 */
export function createChunkReleaser (destination: Pick<Writable, 'writableLength' | 'once' | 'on'>): Transform {
  const written = new WrittenChunks(destination, () => releaser.readableLength)
  const releaser = new Transform({
    transform (chunk: Uint8Array, _encoding: BufferEncoding, callback: TransformCallback) {
      written.releaseSent()
      written.add(chunk)
      callback(null, chunk)
    }
  })
  return releaser
}

/**
 * `body` as the route sends it: through a chunk releaser for `destination`. The download's error
 * reaches the releaser as it is (and a body that stopped short without one still ends the response as
 * cut off, never as complete); a releaser destroyed without one (the user went away, and the response
 * closed it) destroys `body` without one too, so the download is recorded as cancelled, not as failed.
 */
export function sendFreeingChunks (body: Readable, destination: Pick<Writable, 'writableLength' | 'once' | 'on'>): Readable {
  const releaser = createChunkReleaser(destination)
  body.once('error', (err) => { releaser.destroy(err) })
  body.once('close', () => { if (!body.readableEnded) releaser.destroy(body.errored ?? new Error('the download stopped before its end')) })
  releaser.once('close', () => { if (!body.destroyed) body.destroy() })
  return body.pipe(releaser)
}
