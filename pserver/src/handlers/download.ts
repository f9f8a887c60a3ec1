// Download: streams a byte range of one stored file from disk into the call, CHUNK_BYTES per message,
// reading on only when the call has room (so a slow reader slows the disk) and, when the peer's send
// rate is capped, only as fast as the cap grants (and the cap is told in the answer's first headers,
// SEND_RATE_METADATA_KEY, so a downloader knows when it is what sets the pace). Each call served is one info line, with the caller's
// request id (grpc/call-log.ts).
import type { Readable } from 'node:stream'
import { Metadata } from '@grpc/grpc-js'
import type { ServerWritableStream, handleServerStreamingCall } from '@grpc/grpc-js'
import type { Logger } from 'pino'
import { CHUNK_BYTES, markSentAsViews, SEND_RATE_METADATA_KEY, TRANSFER_PURPOSE_METADATA_KEY, UNMETERED } from '@p2p/proto'
import type { DownloadRequest__Output, FileChunk, TransferKind, TransferMeter } from '@p2p/proto'
import { PeerError, isUnexpectedError, toGrpcError } from '../errors.js'
import type { FileStore, StoredFile } from '../store/file-store.js'
import { findFile } from './find-file.js'
import type { ActiveTransfers } from '../grpc/active-transfers.js'
import type { TicketGate } from '../auth/ticket-gate.js'
import { UNLIMITED_SEND_RATE } from '../grpc/send-rate.js'
import type { SendRate } from '../grpc/send-rate.js'
import { callLogOf } from '../grpc/call-log.js'
import { createSendWindow } from '../grpc/send-window.js'

/**
 * Bytes of a download's messages that may wait for grpc-js to hand them to HTTP/2: four messages.
 * Measured with four downloads and two uploads through one peer (docs/performance.md): with grpc-js's
 * own bound (16 messages) and 1 MiB disk reads the pserver peaked at 154-160 MiB, with this and 256 KiB
 * reads (READ_BYTES) at 141-145, as fast.
 */
export const QUEUED_BYTES = 4 * CHUNK_BYTES

export interface DownloadComponents {
  store: Pick<FileStore, 'get' | 'findBySha256' | 'openRead'>
  transfers: Pick<ActiveTransfers, 'begin'>
  tickets: TicketGate
  logger: Pick<Logger, 'child'>
  /** Shared by every download of this peer; default: no cap. */
  sendRate?: SendRate
  /** Counts the bytes sent, as a user's download or, for another peer's ordered copy, replication. */
  meter?: TransferMeter
}

type DownloadCall = ServerWritableStream<DownloadRequest__Output, FileChunk>

export function createDownloadHandler (components: DownloadComponents): handleServerStreamingCall<DownloadRequest__Output, FileChunk> {
  const { store, transfers, tickets, logger } = components
  const sendRate = components.sendRate ?? UNLIMITED_SEND_RATE
  const meter = components.meter ?? UNMETERED

  async function serve (call: DownloadCall): Promise<void> {
    const kind = kindOf(call)
    const metered = meter.begin(kind)
    let source: Readable | null = null
    let cancelled: PeerError | null = null
    // Also ends a wait for the caller to take more: a shutdown must not wait on a reader that stopped.
    const stopped = new AbortController()
    const stop = (reason?: PeerError): void => {
      cancelled ??= reason ?? new PeerError('PEER_CANCELLED', 'the caller cancelled the download')
      source?.destroy(cancelled)
      stopped.abort(cancelled)
    }
    const end = transfers.begin(stop)
    call.once('cancelled', () => { stop() })
    const { log } = callLogOf(logger, call.metadata)
    const startedAt = Date.now()
    try {
      // The ticket first: without one, not even whether the file exists is told.
      const ticket = await tickets.verify(call.metadata, 'download')
      const file = await findFile(store, call.request)
      tickets.assertDownloadOf(ticket, file)
      const { offset, length } = resolveRange(file, call.request.offset, call.request.length)
      log.debug({ file: file.name, offset, length }, 'download started')
      if (sendRate.bytesPerSecond != null) call.sendMetadata(sendRateMetadata(sendRate.bytesPerSecond))
      if (length > 0) {
        source = await store.openRead(file.sha256, offset, length)
        if (cancelled != null) throw cancelled
        const window = createSendWindow(call, QUEUED_BYTES)
        for await (const read of source) {
          // Disk reads, sent as CHUNK_BYTES messages (views, not copies): the send window (QUEUED_BYTES)
          // and the read ahead are what a slow reader makes the download hold.
          // Each read is freed as soon as its last message was encoded (chunk-encoding.ts), not when
          // the collector gets to it; so once a read's last view is written, neither may be read again.
          const data = read as Buffer
          const readLength = data.length
          markSentAsViews(data)
          for (let at = 0; at < readLength; at += CHUNK_BYTES) {
            const chunk = data.subarray(at, at + CHUNK_BYTES)
            const chunkLength = chunk.length
            await sendRate.take(chunkLength)
            if (call.destroyed) throw cancelled ?? new PeerError('PEER_CANCELLED', 'the call closed')
            window.write({ data: chunk } satisfies FileChunk, chunkLength)
            meter.moved(kind, 'sent', chunkLength)
            await window.room(stopped.signal)
            if (call.destroyed) throw cancelled ?? new PeerError('PEER_CANCELLED', 'the call closed')
            if (cancelled != null) throw cancelled
          }
        }
      }
      if (call.cancelled) throw cancelled ?? new PeerError('PEER_CANCELLED', 'the caller cancelled the download')
      call.end()
      log.info({ file: file.name, offset, length, ms: Date.now() - startedAt }, 'download served')
    } catch (err) {
      if (call.cancelled || call.destroyed) {
        log.debug({ reason: (cancelled ?? err as Error).message }, 'download cancelled')
        return
      }
      if (isUnexpectedError(err)) log.error({ err }, 'download failed')
      else log.debug({ reason: (err as Error).message }, 'download refused')
      // grpc-js answers a server stream's 'error' event with that status once queued chunks are sent.
      call.emit('error', toGrpcError(err))
    } finally {
      source?.destroy()
      end()
      metered()
    }
  }

  return (call) => { void serve(call) }
}

/** A pserver fetching an ordered copy says so (see TRANSFER_PURPOSE_METADATA_KEY); anything else is a user's download. */
function kindOf (call: DownloadCall): TransferKind {
  const [purpose] = call.metadata.get(TRANSFER_PURPOSE_METADATA_KEY)
  return purpose === 'replication' ? 'replication' : 'download'
}

/** [offset, offset + length) inside the file; length 0 means "to the end". */
export function resolveRange (file: StoredFile, offset: number, length: number): { offset: number, length: number } {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new PeerError('PEER_BAD_REQUEST', 'offset and length must be whole numbers of bytes')
  }
  if (offset > file.size) throw new PeerError('PEER_OUT_OF_RANGE', `offset ${offset} is past the end of "${file.name}" (${file.size} bytes)`)
  const resolved = length === 0 ? file.size - offset : length
  if (offset + resolved > file.size) {
    throw new PeerError('PEER_OUT_OF_RANGE', `bytes ${offset}..${offset + resolved} run past the end of "${file.name}" (${file.size} bytes)`)
  }
  return { offset, length: resolved }
}

/** The first headers of a capped pserver's answer: its cap (SEND_RATE_METADATA_KEY). */
function sendRateMetadata (bytesPerSecond: number): Metadata {
  const metadata = new Metadata()
  metadata.set(SEND_RATE_METADATA_KEY, String(Math.round(bytesPerSecond)))
  return metadata
}
