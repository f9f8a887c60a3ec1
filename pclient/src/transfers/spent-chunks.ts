// Gives the memory of a downloaded chunk back as soon as the user's socket has taken it, instead of
// when V8's garbage collector gets to the small JS object over it. grpc-js assembles every message it
// receives into a buffer of its own (Buffer.concat in its stream decoder), and a Download message's
// data is a view of all of that buffer but its few header bytes: once that view was written to the
// user, nothing else reads the buffer. Detaching it (ArrayBuffer.prototype.transfer(0)) frees it at
// once. Measured by hand on a 1 GiB download through a page (compiled services, two runs each, a
// scratch harness like the benchmark's): the pclient's CPU per GiB fell from 4.4-5.1 to 2.3-3.3
// seconds (far fewer collections, and the allocator hands the same warm memory to the next message),
// its peak RSS from 170-178 to 152-166 MiB. With four downloads and two uploads at once its peak did
// not move beyond the spread of runs (229-240 MiB against 225-237): the uploads' garbage is not freed
// this way.
//
// Two keys guard it, because detaching a buffer something still reads would send the user nothing
// where bytes were due: the producer marks a chunk as the only view of its buffer that will ever be
// used (markSoleView: the piece verifier, for each message's data), and the releaser frees a chunk
// only if it is marked, still spans its whole buffer (a chunk cut at a piece or range boundary is not
// freed: its other part may still be on its way), and every byte written before it has left Node for
// the kernel (see createChunkReleaser).
import type { Writable } from 'node:stream'
import { Transform } from 'node:stream'
import type { TransformCallback } from 'node:stream'

/** The most bytes of a buffer a sole view may leave out: a gRPC message's 5-byte prefix and the protobuf field's key and length. */
const FRAMING_BYTES = 16
/** Smaller buffers may be slices of Node's shared pool and are not worth the bookkeeping. */
const MIN_BYTES = 64 * 1024

const soleViews = new WeakSet<ArrayBuffer>()

function ownBuffer (chunk: Uint8Array): ArrayBuffer | null {
  const buffer = chunk.buffer
  if (!(buffer instanceof ArrayBuffer) || buffer.byteLength < MIN_BYTES) return null
  return chunk.byteLength >= buffer.byteLength - FRAMING_BYTES ? buffer : null
}

/** Marks `chunk` as the only view of its buffer anything will read (ignored unless it spans nearly all of it). */
export function markSoleView (chunk: Uint8Array): void {
  const buffer = ownBuffer(chunk)
  if (buffer != null) soleViews.add(buffer)
}

type Detachable = ArrayBuffer & { transfer?: (length: number) => ArrayBuffer }

/** Frees `chunk`'s buffer if it was marked and `chunk` still spans it. */
function release (chunk: Uint8Array): void {
  const buffer = ownBuffer(chunk) as Detachable | null
  if (buffer == null || !soleViews.has(buffer) || typeof buffer.transfer !== 'function') return
  soleViews.delete(buffer)
  buffer.transfer(0)
}

/**
 * A pass-through for the bytes sent to `destination` (an HTTP response), freeing each marked chunk
 * once it has certainly been written. Writes leave in order, so a chunk is out once every byte up to
 * its end left Node: the bytes this stream emitted (pushed, less what still waits in its buffer; the
 * pipe writes a chunk in the turn it is emitted) less what the response and its socket still hold
 * (writableLength, which also counts any header bytes not yet sent: the estimate errs on the safe
 * side). Checked before each chunk, when the response drains and when it finished. A response that
 * closes before it finished frees nothing more: its socket may still hold a write.
 */
export function createChunkReleaser (destination: Pick<Writable, 'writableLength' | 'once' | 'on'>): Transform {
  /** Chunks emitted and not yet freed, each with the count of bytes emitted up to its end. */
  let waiting: Array<{ chunk: Uint8Array, end: number }> = []
  let pushed = 0
  const releaser = new Transform({
    transform (chunk: Uint8Array, _encoding: BufferEncoding, callback: TransformCallback) {
      releaseWritten()
      pushed += chunk.byteLength
      waiting.push({ chunk, end: pushed })
      callback(null, chunk)
    }
  })
  function releaseWritten (): void {
    const written = pushed - releaser.readableLength - destination.writableLength
    let out = 0
    while (out < waiting.length && waiting[out]!.end <= written) release(waiting[out++]!.chunk)
    if (out > 0) waiting = waiting.slice(out)
  }
  destination.on('drain', releaseWritten)
  destination.once('finish', () => {
    for (const { chunk } of waiting) release(chunk)
    waiting = []
  })
  return releaser
}
