// Fetches a range of pieces [first, end) of one file from one holder over a Download call, verified piece
// by piece (piece-verifier.ts). This is the unit a multi-source download schedules: one holder, one
// contiguous piece range, bytes out only once verified.
import { pipeline } from 'node:stream'
import type { Readable } from 'node:stream'
import { SEND_RATE_METADATA_KEY } from '@p2p/proto'
import type { PeerFilesClient } from '@p2p/proto'
import { CancelledError, PeerUnreachableError } from '../errors.js'
import { toHttpError } from '../error-mapping.js'
import type { PieceMap } from './piece-map.js'
import { piecesBytes } from './piece-plan.js'
import type { ByteRange, PieceRange } from './piece-plan.js'
import { createPieceVerifier } from './piece-verifier.js'
import type { HashJob } from './hasher.js'

/** How long a holder may take to deliver the first whole, verified piece before another one is tried. */
export const DEFAULT_FIRST_PIECE_TIMEOUT_MS = 15_000

export interface PieceSource {
  client: PeerFilesClient
  peerId: string
  map: PieceMap
}

export interface FetchPiecesOptions {
  /** The bytes to hand on, within the pieces; default: all of them. */
  keep?: ByteRange
  firstPieceTimeoutMs?: number
  /** Aborting cancels the call, also before the first piece arrived. */
  signal?: AbortSignal
  /** Passed to the verifier (piece-verifier.ts). */
  onPiece?: (index: number) => void
  /** The holder told its send cap, in bytes per second (SEND_RATE_METADATA_KEY). */
  onSendRate?: (bytesPerSecond: number) => void
  hash?: HashJob
}

/**
 * Starts the Download call and resolves with the verified bytes once the first piece passed (or an empty
 * file ended), so a holder that fails at once, or sends a bad first piece, is skipped before anything was
 * handed on. Rejects with the call's gRPC error or a PCLIENT_ error. The call is cancelled whenever the
 * returned stream ends, errors or is destroyed; the client stays open (the caller owns it).
 */
export async function fetchPieceRange (source: PieceSource, pieces: PieceRange, options: FetchPiecesOptions = {}): Promise<Readable> {
  const { client, peerId, map } = source
  const span = piecesBytes(pieces, map.size, map.pieceSize)
  const call = client.Download({ name: map.name, sha256: map.sha256, offset: span.start, length: span.end - span.start })
  const timeoutMs = options.firstPieceTimeoutMs ?? DEFAULT_FIRST_PIECE_TIMEOUT_MS

  return await new Promise<Readable>((resolve, reject) => {
    let started = false
    const verifier = createPieceVerifier({
      map,
      pieces,
      peerId,
      ...(options.keep != null ? { keep: options.keep } : {}),
      ...(options.onPiece != null ? { onPiece: options.onPiece } : {}),
      ...(options.hash != null ? { hash: options.hash } : {}),
      onFirstPiece: () => {
        started = true
        clearTimeout(timer)
        resolve(verifier)
      }
    })
    const timer = setTimeout(() => {
      verifier.destroy(new PeerUnreachableError(`peer ${peerId} sent no whole piece of '${map.name}' within ${timeoutMs} ms`))
    }, timeoutMs)
    const onAbort = (): void => { verifier.destroy(new CancelledError(`the download of '${map.name}' from peer ${peerId} was cancelled`)) }
    if (options.signal?.aborted === true) onAbort()
    options.signal?.addEventListener('abort', onAbort, { once: true })

    // A peer's failure reaches the reader as a PCLIENT_ error (a command line shows codes, not gRPC statuses);
    // registered before pipeline() so the verifier is destroyed with the mapped error, not the raw one.
    call.once('error', (err) => { verifier.destroy(toHttpError(err)) })
    if (options.onSendRate != null) {
      const told = options.onSendRate
      call.once('metadata', (metadata) => {
        const bytesPerSecond = Number(metadata.get(SEND_RATE_METADATA_KEY)[0])
        if (Number.isFinite(bytesPerSecond) && bytesPerSecond > 0) told(bytesPerSecond)
      })
    }
    pipeline(call, verifier, (err) => {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      // Once the call completed, cancelling it is a no-op; otherwise it tells the peer to stop sending.
      call.cancel()
      if (err != null && !started) reject(err)
    })
  })
}
