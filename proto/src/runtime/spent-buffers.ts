// Frees a received chunk's memory as soon as it was used, instead of when V8's garbage collector gets
// to the small JS object over it. grpc-js assembles every message it receives into a buffer of its
// own (Buffer.concat in its stream decoder), and the bytes field of a file chunk is a view of all of
// that buffer but its few header bytes: once that view was written where it goes (the user's socket,
// the disk), nothing else reads the buffer, and detaching it (ArrayBuffer.prototype.transfer(0))
// frees it at once. Fewer collections, and the allocator hands the same warm memory to the next
// message (measured: docs/performance.md, "Buffers freed once used").
//
// Two keys guard it, because detaching a buffer something still reads would lose bytes: the receiver
// marks a chunk as the only view of its buffer anything will use (markSoleView, where a message is
// decoded), and whoever wrote it frees it (releaseSoleView) only once the write is done, and only if
// the chunk is marked and still spans its whole buffer (a chunk cut in two at a piece or range
// boundary is never freed: its other part may still be on its way).

/** The most bytes of a buffer a sole view may leave out: a gRPC message's 5-byte prefix and the protobuf field's key and length. */
const FRAMING_BYTES = 16
/** Smaller buffers may be slices of Node's shared pool, and are not worth the bookkeeping. */
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

/** Frees `chunk`'s buffer if it was marked and `chunk` still spans it; call once nothing reads `chunk` any more. */
export function releaseSoleView (chunk: Uint8Array): void {
  const buffer = ownBuffer(chunk) as Detachable | null
  if (buffer == null || !soleViews.has(buffer) || typeof buffer.transfer !== 'function') return
  soleViews.delete(buffer)
  buffer.transfer(0)
}

/**
 * The chunks written to a stream and not yet freed, in the order written: each is freed once every
 * byte up to its end has left Node (writes leave in order). The writer says how many bytes it wrote in
 * all, less those the stream still holds (its writableLength, which also counts header bytes not yet
 * sent, so the estimate errs on the safe side).
 */
export class WrittenChunks {
  #waiting: Array<{ chunk: Uint8Array, end: number }> = []
  #bytes = 0

  /** `chunk` was written (or is about to be, in this same turn) after every chunk added before it. */
  add (chunk: Uint8Array): void {
    this.#bytes += chunk.byteLength
    this.#waiting.push({ chunk, end: this.#bytes })
  }

  /** Bytes added so far. */
  get bytes (): number {
    return this.#bytes
  }

  /** Frees every chunk whose last byte is among the first `written` bytes added. */
  releaseUpTo (written: number): void {
    let out = 0
    while (out < this.#waiting.length && this.#waiting[out]!.end <= written) releaseSoleView(this.#waiting[out++]!.chunk)
    if (out > 0) this.#waiting = this.#waiting.slice(out)
  }

  /** Frees every chunk: the stream finished, so all of them were sent. */
  releaseAll (): void {
    this.releaseUpTo(Infinity)
  }
}
