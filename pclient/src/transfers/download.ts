// Download one file, or one byte range of it, from the network: ask the central which peers hold it,
// then take the bytes from the first holder that describes the same content (GetFileInfo) and delivers a
// first verified piece. Every piece is checked against its hash before it is handed on (fetch-pieces.ts);
// a range is fetched as the piece-aligned range that covers it and trimmed. Independent of Fastify, so
// the web routes and a command line share it.
import { addAbortSignal } from 'node:stream'
import type { Readable } from 'node:stream'
import type { CentralClient, LocatedFile as FileView, Holder } from '@p2p/proto'
import { FileNotFoundError, RangeNotSatisfiableError } from '../errors.js'
import type { ClientError } from '../errors.js'
import { toHttpError } from '../error-mapping.js'
import { parseFileName } from '../file-name.js'
import { fetchPieceRange } from './fetch-pieces.js'
import { fetchPieceMap } from './piece-map.js'
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
}

export interface DownloadOptions {
  /** The bytes [start, end) to fetch; default: the whole file. */
  range?: ByteRange
  /** Aborting destroys the body and cancels the gRPC call. */
  signal?: AbortSignal
}

export interface OpenedDownload {
  /** What the central says the file is: name, size, sha256, holders. */
  file: FileView
  /** The holder the bytes come from. */
  holder: Holder
  /** The bytes the body carries. */
  range: ByteRange
  /**
   * Exactly the bytes of `range`, each piece handed on only once it matched its hash (and, for the whole
   * file, the last piece only once the file's SHA-256 matched). Errors with PCLIENT_DATA_LOSS, naming
   * the file and the peer, on a mismatch; destroying it cancels the transfer.
   */
  body: Readable
}

/** Asks the central where `rawName` is. Throws PCLIENT_BAD_NAME before asking, PCLIENT_FILE_NOT_FOUND, ... */
export async function locateFile (components: Pick<DownloadComponents, 'central'>, rawName: string): Promise<FileView> {
  const name = parseFileName(rawName)
  let file: FileView
  try {
    file = await components.central.locate(name)
  } catch (err) {
    throw toHttpError(err)
  }
  if (file.holders.length === 0) throw new FileNotFoundError(`no live peer holds '${name}'`)
  return file
}

/** Opens a verified byte stream of `file` (or of `options.range`) from the first holder that delivers. */
export async function openDownload (components: DownloadComponents, file: FileView, options: DownloadOptions = {}): Promise<OpenedDownload> {
  const range = options.range ?? { start: 0, end: file.size }
  checkRange(range, file.size)

  let lastError: ClientError | null = null
  for (const holder of file.holders) {
    options.signal?.throwIfAborted()
    try {
      const body = await openFromHolder(components, file, holder, range)
      if (options.signal != null) addAbortSignal(options.signal, body)
      return { file, holder, range, body }
    } catch (err) {
      lastError = toHttpError(err)
      components.log?.warn({ file: file.name, peerId: holder.peerId, address: holder.grpcAddress, code: lastError.code, reason: lastError.message },
        'holder failed before handing on a verified piece; trying the next one')
    }
  }
  throw lastError ?? new FileNotFoundError(`no live peer holds '${file.name}'`)
}

async function openFromHolder (components: DownloadComponents, file: FileView, holder: Holder, range: ByteRange): Promise<Readable> {
  const client = components.connectPeer(holder.grpcAddress, file.ticket == null ? {} : { ticket: file.ticket })
  try {
    const map = await fetchPieceMap(client, file, holder.peerId, components.fileInfoDeadlineMs)
    const body = await fetchPieceRange({ client, peerId: holder.peerId, map }, coveringPieces(range, map.pieceSize), {
      keep: range,
      ...(components.firstPieceTimeoutMs != null ? { firstPieceTimeoutMs: components.firstPieceTimeoutMs } : {})
    })
    body.once('close', () => { client.close() })
    return body
  } catch (err) {
    client.close()
    throw err
  }
}

/** A range must be within the file and, unless the file is empty, hold at least one byte. */
function checkRange (range: ByteRange, size: number): void {
  const { start, end } = range
  const valid = Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && end <= size && (start < end || size === 0)
  if (!valid) throw new RangeNotSatisfiableError(`bytes ${start}-${end - 1} are not within the ${size} bytes of the file`, size)
}
