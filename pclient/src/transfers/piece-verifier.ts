// Checks a holder's bytes piece by piece against the piece hashes of its PieceMap, and hands on only
// pieces that passed: each piece is held until its last byte arrived and its SHA-256 matched, so bad bytes
// never leave. When the pieces cover the whole file and the central did not vouch for the piece table
// (piece-map.ts), the whole content's SHA-256 is checked too before the last piece leaves. The hashing
// runs off the main thread (hasher.ts); the stream waits for a piece's digest before taking more
// bytes, so at most one unverified piece is held (plus the copy being hashed). Verified
// bytes then wait in the stream's buffer, with the usual backpressure.
import { Transform } from 'node:stream'
import type { TransformCallback } from 'node:stream'
import type { FileChunk__Output } from '@p2p/proto'
import { markSoleView } from '@p2p/proto/runtime'
import { DataLossError } from '../errors.js'
import type { ClientError } from '../errors.js'
import { openHashJob } from './hasher.js'
import type { HashJob } from './hasher.js'
import { checksWholeFile } from './piece-map.js'
import type { PieceMap } from './piece-map.js'
import { pieceBytes, piecesBytes } from './piece-plan.js'
import type { ByteRange, PieceRange } from './piece-plan.js'

export interface PieceVerifierOptions {
  map: PieceMap
  /** The pieces that arrive, in order, and nothing else. */
  pieces: PieceRange
  /** The bytes to hand on, within those pieces; default: all of them. */
  keep?: ByteRange
  /** Who sends the bytes, for error messages. */
  peerId: string
  /** Called once, when the first piece passed (or an empty range ended), before any byte is handed on. */
  onFirstPiece?: () => void
  /** Called for each piece that passed, before its bytes are handed on. */
  onPiece?: (index: number) => void
  /**
   * A hashing job to use instead of one of its own (opened with `whole` when checksWholeFile() says
   * so): marked after each piece that passed and left open, so whoever fetches the remaining
   * pieces after a failure can rewind it to the last good piece and go on (stream-first.ts).
   */
  hash?: HashJob
}

/** Takes Download messages, emits verified bytes. Errors with PCLIENT_DATA_LOSS naming the file and the peer. */
export function createPieceVerifier (options: PieceVerifierOptions): Transform {
  return new PieceVerifier(options)
}

class PieceVerifier extends Transform {
  readonly #options: PieceVerifierOptions
  readonly #keep: ByteRange
  /** Set when the pieces cover the whole file and the piece table is not vouched for: its SHA-256 is checked as well. */
  readonly #whole: boolean
  readonly #hash: HashJob
  #piece: number
  /** Where the current piece starts and ends, and the file offset of the next byte to arrive. */
  #pieceStart: number
  #pieceEnd: number
  #position: number
  #held: Buffer[] = []
  #started = false

  constructor (options: PieceVerifierOptions) {
    // One message in at a time; a verified piece is pushed at once.
    super({ writableObjectMode: true, writableHighWaterMark: 1 })
    const { map, pieces } = options
    this.#options = options
    const span = piecesBytes(pieces, map.size, map.pieceSize)
    this.#keep = options.keep ?? span
    this.#whole = checksWholeFile(map, pieces)
    this.#hash = options.hash ?? openHashJob({ whole: this.#whole })
    this.#piece = pieces.first
    const first = pieceBytes(pieces.first, map.size, map.pieceSize)
    this.#pieceStart = first.start
    this.#pieceEnd = first.end
    this.#position = span.start
  }

  override _transform (message: FileChunk__Output, _encoding: BufferEncoding, callback: TransformCallback): void {
    // grpc-js gave this message a buffer of its own: once handed on whole, it may be freed (spent-buffers.ts).
    markSoleView(message.data)
    this.#take(message.data, 0, callback)
  }

  override _flush (callback: TransformCallback): void {
    if (this.#piece < this.#options.pieces.end) {
      const expected = piecesBytes(this.#options.pieces, this.#options.map.size, this.#options.map.pieceSize)
      callback(this.#error(`stopped after ${this.#position - expected.start} of the ${expected.end - expected.start} bytes of the ${this.#describePieces()}`))
      return
    }
    // An empty file has no pieces; its content still has to be what the central located.
    if (!this.#whole || this.#options.map.size > 0) {
      this.#markStarted()
      callback()
      return
    }
    this.#hash.wholeDigest().then((actual) => {
      const failure = this.#checkWhole(actual)
      if (failure == null) this.#markStarted()
      callback(failure)
    }, callback)
  }

  override _destroy (err: Error | null, callback: (error?: Error | null) => void): void {
    if (this.#options.hash == null) this.#hash.close()
    this.#held = []
    callback(err)
  }

  /** Takes `chunk` from `offset` on; at the end of a piece, waits for its digest before going on. */
  #take (chunk: Buffer, offset: number, callback: TransformCallback): void {
    while (offset < chunk.length) {
      if (this.#piece >= this.#options.pieces.end) {
        callback(this.#error(`sent more bytes than the ${this.#describePieces()} hold`))
        return
      }
      const take = Math.min(chunk.length - offset, this.#pieceEnd - this.#position)
      const part = take === chunk.length ? chunk : chunk.subarray(offset, offset + take)
      this.#hash.update(part)
      this.#held.push(part)
      offset += take
      this.#position += take
      if (this.#position === this.#pieceEnd) {
        const next = offset
        this.#digests().then(([piece, whole]) => {
          if (this.destroyed) return
          const failure = this.#release(piece, whole)
          if (failure != null) callback(failure)
          else this.#take(chunk, next, callback)
        }, callback)
        return
      }
    }
    callback()
  }

  /** The current piece's digest and, when it is the file's last piece and the whole file is checked, the file's. */
  async #digests (): Promise<[Buffer, string | null]> {
    const piece = this.#hash.endPiece()
    const whole = this.#whole && this.#pieceEnd === this.#options.map.size ? this.#hash.wholeDigest() : null
    return [await piece, await whole]
  }

  /** The current piece is complete: check it, hand on what of it is kept, and move to the next piece. */
  #release (digest: Buffer, wholeDigest: string | null): ClientError | null {
    const { map } = this.#options
    const expected = map.pieceHashes[this.#piece]
    if (expected == null || !digest.equals(expected)) {
      return this.#error(`sent piece ${this.#piece} (bytes ${this.#pieceStart}-${this.#pieceEnd - 1}) with the wrong SHA-256`)
    }
    if (wholeDigest != null) {
      const failure = this.#checkWhole(wholeDigest)
      if (failure != null) return failure
    }
    this.#options.hash?.mark()
    this.#markStarted()
    this.#options.onPiece?.(this.#piece)
    let chunkStart = this.#pieceStart
    for (const chunk of this.#held) {
      const from = Math.max(this.#keep.start, chunkStart)
      const to = Math.min(this.#keep.end, chunkStart + chunk.length)
      if (to > from) this.push(from === chunkStart && to === chunkStart + chunk.length ? chunk : chunk.subarray(from - chunkStart, to - chunkStart))
      chunkStart += chunk.length
    }
    this.#held = []
    this.#piece += 1
    const next = pieceBytes(this.#piece, map.size, map.pieceSize)
    this.#pieceStart = next.start
    this.#pieceEnd = next.end
    return null
  }

  #checkWhole (actual: string): ClientError | null {
    if (actual === this.#options.map.sha256) return null
    return this.#error(`sent content whose SHA-256 is ${actual}, not ${this.#options.map.sha256}`)
  }

  #markStarted (): void {
    if (this.#started) return
    this.#started = true
    this.#options.onFirstPiece?.()
  }

  #describePieces (): string {
    const { first, end } = this.#options.pieces
    return end - first === 1 ? `piece ${first}` : `pieces ${first}-${end - 1}`
  }

  #error (what: string): ClientError {
    return new DataLossError(`'${this.#options.map.name}' from peer ${this.#options.peerId}: the peer ${what}`)
  }
}
