// Download one file, or one byte range of it, from the network: ask the central which peers hold it,
// take the piece map from the first holder that describes the same content (GetFileInfo), then fetch
// the pieces. The peer's own pserver comes first when it holds the file (its bytes cross no network).
// One Download call streams the range from the first holder that delivers a verified first piece;
// with several holders and several pieces, the others join when that one is the bottleneck or fails
// (stream-first.ts, multi-source.ts). Every piece is checked against its hash before it is handed on
// (fetch-pieces.ts); a range is fetched as the piece-aligned range that covers it and trimmed.
// Independent of Fastify, so the web routes and a command line share it.
import { addAbortSignal, pipeline, Transform } from 'node:stream'
import type { Readable } from 'node:stream'
import { pieceBytesFor } from '@p2p/proto'
import type { CentralClient, Holder, LocatedFile, PeerFilesClient } from '@p2p/proto'
import { FileNotFoundError, RangeNotSatisfiableError, isClientError, parseFileName } from '../errors.js'
import type { ClientError } from '../errors.js'
import { toHttpError } from '../error-mapping.js'
import type { DownloadTracker, TrackedDownload } from './download-tracker.js'
import { fetchPieceRange } from './fetch-pieces.js'
import type { CpuHeadroomGauge } from './cpu-headroom.js'
import { openStreamFirstDownload } from './stream-first.js'
import { fetchPieceMap } from './piece-map.js'
import type { PieceMap } from './piece-map.js'
import { coveringPieces } from './piece-plan.js'
import type { ByteRange } from './piece-plan.js'
import type { ConnectPeer, TransferLog } from './peer-connector.js'

export interface DownloadComponents {
  central: Pick<CentralClient, 'locate'>
  connectPeer: ConnectPeer
  log?: TransferLog
  /** How long a holder may take to deliver its first verified piece (default 15 s). */
  firstPieceTimeoutMs?: number
  /** How long a holder may take to answer GetFileInfo (default 10 s). */
  fileInfoDeadlineMs?: number
  /** How long a holder may take to deliver one whole piece of a multi-source download (default 30 s). */
  pieceTimeoutMs?: number
  /** Records each download and where its pieces came from. */
  tracker?: DownloadTracker
  /** This peer's id (its pserver's): when it holds the file, it is asked first. */
  localPeerId?: string | null
  /** Makes each download's gauge of CPU headroom (default: cpu-headroom.ts). */
  cpuHeadroom?: () => CpuHeadroomGauge
}

export interface DownloadOptions {
  /** The bytes [start, end) to fetch; default: the whole file. */
  range?: ByteRange
  /** Aborting destroys the body and cancels the gRPC call. */
  signal?: AbortSignal
}

export interface OpenedDownload {
  /** What the central says the file is: name, size, sha256, holders. */
  file: LocatedFile
  /** The holder the bytes come from (the first of them, for a multi-source download). */
  holder: Holder
  /** Every holder the download may take pieces from. */
  sources: Holder[]
  /** The bytes the body carries. */
  range: ByteRange
  /**
   * Exactly the bytes of `range`, each piece handed on only once it matched its hash (and, for the whole
   * file whose piece table the central did not vouch for, the last piece only once the file's SHA-256
   * matched). Errors with PCLIENT_DATA_LOSS, naming the file and the peer, on a mismatch; destroying it
   * cancels the transfer.
   */
  body: Readable
}

/** Asks the central where `rawName` is. Throws PCLIENT_BAD_NAME before asking, PCLIENT_FILE_NOT_FOUND, ... */
export async function locateFile (components: Pick<DownloadComponents, 'central'>, rawName: string): Promise<LocatedFile> {
  const name = parseFileName(rawName)
  let file: LocatedFile
  try {
    file = await components.central.locate(name)
  } catch (err) {
    throw toHttpError(err)
  }
  if (file.holders.length === 0) throw new FileNotFoundError(`no live peer holds '${name}'`)
  return file
}

/**
 * Opens a verified byte stream of `file` (or of `options.range`): from several holders at once when
 * the range spans several pieces and several peers hold it, else from the first holder that delivers.
 */
export async function openDownload (components: DownloadComponents, file: LocatedFile, options: DownloadOptions = {}): Promise<OpenedDownload> {
  const range = options.range ?? { start: 0, end: file.size }
  checkRange(range, file.size)
  const progress = components.tracker?.start({ name: file.name, size: range.end - range.start })
  try {
    const opened = await openFromHolders(components, file, range, options.signal, progress)
    if (options.signal != null) addAbortSignal(options.signal, opened.body)
    return opened
  } catch (err) {
    progress?.finish(err as Error)
    throw err
  }
}

async function openFromHolders (
  components: DownloadComponents, file: LocatedFile, range: ByteRange, signal: AbortSignal | undefined, progress: TrackedDownload | undefined
): Promise<Omit<OpenedDownload, 'body'> & { body: Readable }> {
  const holders = localFirst(file.holders, components.localPeerId)
  const multiSource = holders.length > 1 && pieceSpan(range, file.size) > 1
  let lastError: ClientError | null = null
  const holderFailed = (holder: Holder, err: unknown, what: string): void => {
    lastError = toHttpError(err)
    progress?.sourceFailed(holder.peerId, lastError)
    components.log?.warn({ file: file.name, peerId: holder.peerId, address: holder.grpcAddress, code: lastError.code, reason: lastError.message },
      `holder ${what}; trying the next one`)
  }
  for (const [position, holder] of holders.entries()) {
    signal?.throwIfAborted()
    const client = await components.connectPeer(holder.grpcAddress, file.ticket == null ? {} : { ticket: file.ticket })
    let map: PieceMap
    try {
      map = await fetchPieceMap(client, file, holder.peerId, components.fileInfoDeadlineMs)
    } catch (err) {
      client.close()
      holderFailed(holder, err, 'could not describe the file')
      continue
    }
    if (multiSource && position < holders.length - 1) {
      // Streamed from this holder; every holder from this one on may serve pieces (the ones before
      // could not even describe the file). Once the first piece passed, failures are handled there.
      const sources = holders.slice(position)
      try {
        const body = await openStreamFirstDownload({
          file, map, range, holders: sources, client, connectPeer: components.connectPeer,
          ...(components.log != null ? { log: components.log } : {}),
          ...(components.firstPieceTimeoutMs != null ? { firstPieceTimeoutMs: components.firstPieceTimeoutMs } : {}),
          ...(components.pieceTimeoutMs != null ? { pieceTimeoutMs: components.pieceTimeoutMs } : {}),
          ...(components.cpuHeadroom != null ? { cpuHeadroom: components.cpuHeadroom() } : {}),
          ...(progress != null ? { progress } : {}),
          ...(signal != null ? { signal } : {})
        })
        return { file, holder, sources, range, body }
      } catch (err) {
        holderFailed(holder, err, 'failed before handing on a verified piece')
        continue
      }
    }
    try {
      const body = await streamFromHolder(components, client, holder, map, range)
      const pieces = coveringPieces(range, map.pieceSize)
      return { file, holder, sources: [holder], range, body: progress == null ? body : tracked(body, holder, pieces.end - pieces.first, progress) }
    } catch (err) {
      client.close()
      holderFailed(holder, err, 'failed before handing on a verified piece')
    }
  }
  throw lastError ?? new FileNotFoundError(`no live peer holds '${file.name}'`)
}

/** One Download call for the whole range, from one holder; the client is closed with the stream. */
async function streamFromHolder (
  components: DownloadComponents, client: PeerFilesClient, holder: Holder, map: PieceMap, range: ByteRange
): Promise<Readable> {
  const body = await fetchPieceRange({ client, peerId: holder.peerId, map }, coveringPieces(range, map.pieceSize), {
    keep: range,
    ...(components.firstPieceTimeoutMs != null ? { firstPieceTimeoutMs: components.firstPieceTimeoutMs } : {})
  })
  body.once('close', () => { client.close() })
  return body
}

/** The single-holder stream, counting what is handed on and recording how it ended. */
function tracked (body: Readable, holder: Holder, pieces: number, progress: TrackedDownload): Readable {
  const counter = new Transform({
    transform (chunk: Buffer, _encoding, callback) {
      progress.sent(chunk.length)
      progress.pieceFrom(holder.peerId, chunk.length, 0)
      callback(null, chunk)
    }
  })
  // pipeline: destroying either end (the user went away) cancels the call too.
  pipeline(body, counter, (err) => {
    // The holder's failures come as PCLIENT_ errors (fetch-pieces.ts); a user who went away is not one.
    if (err != null && isClientError(err)) progress.sourceFailed(holder.peerId, err)
    else progress.pieceFrom(holder.peerId, 0, pieces)
    progress.finish(err ?? null)
  })
  // 'close' comes before pipeline's callback: a holder's error that destroyed the stream is recorded
  // as itself (PCLIENT_DATA_LOSS, ...), not as a cancellation.
  counter.once('close', () => { progress.finish(counter.writableFinished ? null : counter.errored ?? new Error('the download was cancelled')) })
  return counter
}

/** The holders in the central's order (least loaded first), except that this peer's own pserver comes first. */
export function localFirst (holders: readonly Holder[], localPeerId: string | null | undefined): Holder[] {
  const local = holders.filter((holder) => holder.peerId === localPeerId)
  return [...local, ...holders.filter((holder) => holder.peerId !== localPeerId)]
}

/** How many pieces the range touches, in the piece size a file of `size` bytes is hashed with today. */
function pieceSpan (range: ByteRange, size: number): number {
  const pieces = coveringPieces(range, pieceBytesFor(size))
  return pieces.end - pieces.first
}


/** A range must be within the file and, unless the file is empty, hold at least one byte. */
function checkRange (range: ByteRange, size: number): void {
  const { start, end } = range
  const valid = Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && end <= size && (start < end || size === 0)
  if (!valid) throw new RangeNotSatisfiableError(`bytes ${start}-${end - 1} are not within the ${size} bytes of the file`, size)
}
