// Upload: one header, then chunks, then one end message, written to the store as they arrive. The
// call is consumed as an async iterator, one message at a time, and each write is awaited (the store
// resolves it at once while its write-behind queue has room), so grpc-js reads (and the HTTP/2 window
// lets the sender send) only as fast as the disk takes the bytes. Only the end message tells a
// finished upload from a cut-off one: the file is committed after it and the end of the stream, and
// the answer comes only after the file is durable, listed and announced to the central.
import type { ServerReadableStream, handleClientStreamingCall, sendUnaryData } from '@grpc/grpc-js'
import type { Logger } from 'pino'
import { z } from 'zod'
import { byteCountSchema, fileNameSchema, markSoleView, sha256Schema, UNMETERED } from '@p2p/proto'
import type { TransferMeter, UploadEnd__Output, UploadHeader__Output, UploadRequest__Output, UploadResponse } from '@p2p/proto'
import type { Announcer } from '../central/announcer.js'
import { PeerError, isUnexpectedError, toGrpcError } from '../errors.js'
import type { FileStore, UploadEnd, UploadRequestHeader, UploadSession } from '../store/file-store.js'
import type { ActiveTransfers } from '../grpc/active-transfers.js'
import type { TicketGate } from '../auth/ticket-gate.js'
import { callLogOf } from '../grpc/call-log.js'

/** An upload that sends nothing for this long is given up, so it cannot hold its reservation forever. */
export const DEFAULT_UPLOAD_IDLE_TIMEOUT_MS = 60_000

export interface UploadComponents {
  store: Pick<FileStore, 'beginUpload' | 'remove'>
  transfers: Pick<ActiveTransfers, 'begin'>
  announcer: Pick<Announcer, 'announce'>
  peerId: string
  tickets: TicketGate
  logger: Pick<Logger, 'child'>
  idleTimeoutMs?: number
  /** Counts the bytes received. */
  meter?: TransferMeter
}

type UploadCall = ServerReadableStream<UploadRequest__Output, UploadResponse>

const headerSchema = z.object({
  name: fileNameSchema,
  size: byteCountSchema,
  sha256: z.union([z.literal(''), sha256Schema]),
  sizeIsMaximum: z.boolean()
})

export function parseUploadHeader (header: UploadHeader__Output): UploadRequestHeader {
  const parsed = headerSchema.safeParse(header)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new PeerError('PEER_BAD_REQUEST', issue == null ? 'invalid header' : `header.${issue.path.join('.')}: ${issue.message}`)
  }
  const { name, size, sha256, sizeIsMaximum } = parsed.data
  return { name, size, sizeIsMaximum, sha256: sha256 === '' ? null : sha256 }
}

const endSchema = z.object({
  size: byteCountSchema,
  sha256: z.union([z.literal(''), sha256Schema])
})

export function parseUploadEnd (end: UploadEnd__Output): UploadEnd {
  const parsed = endSchema.safeParse(end)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new PeerError('PEER_BAD_REQUEST', issue == null ? 'invalid end message' : `end.${issue.path.join('.')}: ${issue.message}`)
  }
  return { size: parsed.data.size, sha256: parsed.data.sha256 === '' ? null : parsed.data.sha256 }
}

export function createUploadHandler (components: UploadComponents): handleClientStreamingCall<UploadRequest__Output, UploadResponse> {
  const { store, transfers, announcer, peerId, tickets, logger } = components
  const idleTimeoutMs = components.idleTimeoutMs ?? DEFAULT_UPLOAD_IDLE_TIMEOUT_MS
  const meter = components.meter ?? UNMETERED

  async function receive (call: UploadCall, callback: sendUnaryData<UploadResponse>): Promise<void> {
    let session: UploadSession | null = null
    let receiving = true
    // Destroying the call ends the iteration below with `reason`, wherever it is waiting. Once every
    // byte has arrived the commit is short and is left to finish.
    const finish = transfers.begin((reason) => { if (receiving) call.destroy(reason) })
    const metered = meter.begin('upload')
    const { requestId, log } = callLogOf(logger, call.metadata)
    const messages = call[Symbol.asyncIterator]()
    const next = async (): Promise<UploadRequest__Output | null> => {
      const timer = setTimeout(() => {
        call.destroy(new PeerError('PEER_CANCELLED', `no data received for ${idleTimeoutMs} ms`))
      }, idleTimeoutMs)
      try {
        const result = await messages.next()
        return result.done === true ? null : result.value
      } finally {
        clearTimeout(timer)
      }
    }
    try {
      const ticket = await tickets.verify(call.metadata, 'upload')
      const first = await next()
      if (first?.payload !== 'header' || first.header == null) {
        throw new PeerError('PEER_BAD_REQUEST', 'the first message of an upload must be a header')
      }
      const header = parseUploadHeader(first.header)
      tickets.assertUploadOf(ticket, header)
      session = await store.beginUpload(header)
      let end: UploadEnd | null = null
      for (let message = await next(); message != null; message = await next()) {
        if (end != null) throw new PeerError('PEER_BAD_REQUEST', 'no message may follow the end message')
        if (message.payload === 'chunk' && message.chunk != null) {
          meter.moved('upload', 'received', message.chunk.length)
          // grpc-js gave this message a buffer of its own: the session frees it once on disk (spent-buffers.ts).
          markSoleView(message.chunk)
          await session.write(message.chunk)
        } else if (message.payload === 'end' && message.end != null) {
          end = parseUploadEnd(message.end)
        } else {
          throw new PeerError('PEER_BAD_REQUEST', 'after its header an upload sends only chunks, then one end message')
        }
      }
      receiving = false
      if (call.cancelled) throw new PeerError('PEER_CANCELLED', 'the caller cancelled the upload')
      // grpc-js may end the message stream of a cancelled call before it sets call.cancelled.
      if (end == null) throw new PeerError('PEER_INCOMPLETE_UPLOAD', 'the upload stopped before its end message: the sender was cut off')
      const file = await session.commit(end)
      log.info({ file: file.name, size: file.size, sha256: file.sha256 }, 'file stored')
      if (await announcer.announce(file, requestId) === 'refused') {
        // The central is the one judge of what a name stands for: never confirm a file it refused.
        await store.remove(file.name, file.sha256)
        throw new PeerError('PEER_FILE_EXISTS', `the network gave the name "${file.name}" to another file; this upload was not kept`)
      }
      callback(null, { ...file, peerId })
    } catch (err) {
      await session?.abort().catch((abortErr: unknown) => { log.error({ err: abortErr }, 'could not remove an aborted upload') })
      if (call.cancelled) return
      if (isUnexpectedError(err)) log.error({ err }, 'upload failed')
      else log.info({ file: session?.name, reason: (err as Error).message }, 'upload refused')
      callback(toGrpcError(err))
    } finally {
      finish()
      metered()
    }
  }

  return (call, callback) => { void receive(call, callback) }
}
