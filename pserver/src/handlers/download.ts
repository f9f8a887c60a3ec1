// Download: streams a byte range of one stored file from disk into the call, one CHUNK_BYTES piece
// at a time, reading the next piece only when the call has room (so a slow reader slows the disk).
import type { Readable } from 'node:stream'
import type { ServerWritableStream, handleServerStreamingCall } from '@grpc/grpc-js'
import type { Logger } from 'pino'
import { fileNameSchema, sha256Schema } from '@p2p/proto'
import type { DownloadRequest__Output, FileChunk } from '@p2p/proto'
import { PeerError, isUnexpectedError, toGrpcError } from '../errors.js'
import type { FileStore, StoredFile } from '../store/file-store.js'
import type { Transfers } from '../transfers.js'

export interface DownloadComponents {
  store: Pick<FileStore, 'get' | 'findBySha256' | 'openRead'>
  transfers: Pick<Transfers, 'begin'>
  logger: Pick<Logger, 'error' | 'debug'>
}

type DownloadCall = ServerWritableStream<DownloadRequest__Output, FileChunk>

export function createDownloadHandler (components: DownloadComponents): handleServerStreamingCall<DownloadRequest__Output, FileChunk> {
  const { store, transfers, logger } = components

  async function serve (call: DownloadCall): Promise<void> {
    let source: Readable | null = null
    let cancelled: PeerError | null = null
    const stop = (reason?: PeerError): void => {
      cancelled ??= reason ?? new PeerError('PEER_CANCELLED', 'the caller cancelled the download')
      source?.destroy(cancelled)
    }
    const end = transfers.begin(stop)
    call.once('cancelled', () => { stop() })
    try {
      const file = await findFile(store, call.request)
      const { offset, length } = resolveRange(file, call.request.offset, call.request.length)
      if (length > 0) {
        source = await store.openRead(file.name, offset, length)
        if (cancelled != null) throw cancelled
        for await (const data of source) {
          if (!call.write({ data: data as Buffer })) await drained(call)
          if (call.destroyed) throw cancelled ?? new PeerError('PEER_CANCELLED', 'the call closed')
        }
      }
      if (!call.cancelled) call.end()
    } catch (err) {
      if (call.cancelled || call.destroyed) return
      if (isUnexpectedError(err)) logger.error({ err }, 'download failed')
      else logger.debug({ reason: (err as Error).message }, 'download refused')
      // grpc-js answers a server stream's 'error' event with that status once queued chunks are sent.
      call.emit('error', toGrpcError(err))
    } finally {
      source?.destroy()
      end()
    }
  }

  return (call) => { void serve(call) }
}

/** The stored file a request names, by name, by content hash, or by both (which must agree). */
export async function findFile (store: Pick<FileStore, 'get' | 'findBySha256'>, request: Pick<DownloadRequest__Output, 'name' | 'sha256'>): Promise<StoredFile> {
  if (request.name === '' && request.sha256 === '') throw new PeerError('PEER_BAD_REQUEST', 'name or sha256 is required')
  let name: string | null = null
  if (request.name !== '') {
    const parsed = fileNameSchema.safeParse(request.name)
    if (!parsed.success) throw new PeerError('PEER_BAD_REQUEST', parsed.error.issues[0]?.message ?? 'invalid file name')
    name = parsed.data
  }
  if (request.sha256 !== '' && !sha256Schema.safeParse(request.sha256).success) {
    throw new PeerError('PEER_BAD_REQUEST', 'sha256 must be 64 lower-case hex digits')
  }
  const file = name != null ? await store.get(name) : await store.findBySha256(request.sha256)
  if (file == null) throw new PeerError('PEER_NOT_FOUND', name != null ? `no file named "${name}" here` : 'no file with that sha256 here')
  if (request.sha256 !== '' && file.sha256 !== request.sha256) {
    throw new PeerError('PEER_NOT_FOUND', `"${file.name}" here has a different sha256`)
  }
  return file
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

/** Resolves when the call can take more, or when it closed (cancelled) and never will. */
async function drained (call: DownloadCall): Promise<void> {
  await new Promise<void>((resolve) => {
    const done = (): void => {
      call.off('drain', done)
      call.off('close', done)
      resolve()
    }
    call.on('drain', done)
    call.on('close', done)
  })
}
