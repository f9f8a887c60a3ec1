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
import type { Writable } from 'node:stream'

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

/**
 * Frees `buffer`'s memory now, whatever else still points at it: it is detached, and every view of it
 * reads as empty from then on. Call only once nothing reads it. Where ArrayBuffer.prototype.transfer
 * is missing (Node 20) the buffer is left to the collector.
 */
export function freeNow (buffer: ArrayBuffer): void {
  const detachable = buffer as Detachable
  if (typeof detachable.transfer === 'function') detachable.transfer(0)
}

/** Frees `chunk`'s buffer if it was marked and `chunk` still spans it; call once nothing reads `chunk` any more. */
export function releaseSoleView (chunk: Uint8Array): void {
  const buffer = ownBuffer(chunk)
  if (buffer == null || !soleViews.has(buffer)) return
  soleViews.delete(buffer)
  freeNow(buffer)
}

const sentAsViews = new WeakSet<ArrayBuffer>()

/**
 * Marks `read`, a buffer of its own (a disk read), as one whose bytes go out in order as views, each
 * copied at once into the message that carries it (the pserver's Download answers, which its
 * serializer encodes into a reused buffer): releaseWithLastView frees it once its last view was
 * copied. Ignored unless `read` spans all of its buffer.
 */
export function markSentAsViews (read: Uint8Array): void {
  const buffer = read.buffer
  if (!(buffer instanceof ArrayBuffer) || buffer.byteLength < MIN_BYTES) return
  if (read.byteOffset === 0 && read.byteLength === buffer.byteLength) sentAsViews.add(buffer)
}

/**
 * Frees `view`'s buffer if it was marked by markSentAsViews and `view`, now copied, is its last part:
 * the views before it were copied before it, in order, so nothing reads the buffer any more.
 */
export function releaseWithLastView (view: Uint8Array): void {
  const buffer = view.buffer
  if (!(buffer instanceof ArrayBuffer) || !sentAsViews.has(buffer) || view.byteOffset + view.byteLength !== buffer.byteLength) return
  sentAsViews.delete(buffer)
  freeNow(buffer)
}

/**
 * The chunks written to a stream and not yet freed, in the order written: each is freed once every
 * byte up to its end has left Node (writes leave in order): the bytes added, less those not yet
 * handed to the stream (the caller's own buffer), less those the stream and its socket still hold
 * (writableLength, which also counts header bytes not yet sent, so the estimate errs on the safe
 * side).
 */
export class WrittenChunks {
  #waiting: Array<{ chunk: Uint8Array, end: number }> = []
  #bytes = 0
  readonly #destination: Pick<Writable, 'writableLength'>
  readonly #notYetWritten: () => number

  /**
   * Frees as `destination` sends: checked when it drains, and every chunk at once when it finished. A
   * destination that closes before it finished frees nothing more: its socket may still hold a write.
   */
  constructor (destination: Pick<Writable, 'writableLength' | 'on' | 'once'>, notYetWritten: () => number = () => 0) {
    this.#destination = destination
    this.#notYetWritten = notYetWritten
    destination.on('drain', () => { this.releaseSent() })
    destination.once('finish', () => { this.#releaseUpTo(Infinity) })
  }

  /** `chunk` was written (or is about to be, in this same turn) after every chunk added before it. */
  add (chunk: Uint8Array): void {
    this.#bytes += chunk.byteLength
    this.#waiting.push({ chunk, end: this.#bytes })
  }

  /** Frees every chunk that has left Node. */
  releaseSent (): void {
    this.#releaseUpTo(this.#bytes - this.#notYetWritten() - this.#destination.writableLength)
  }

  #releaseUpTo (written: number): void {
    let out = 0
    while (out < this.#waiting.length && this.#waiting[out]!.end <= written) releaseSoleView(this.#waiting[out++]!.chunk)
    if (out > 0) this.#waiting = this.#waiting.slice(out)
  }
}
