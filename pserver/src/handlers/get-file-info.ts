// GetFileInfo: a stored file's size, SHA-256 and piece hashes, read from what was computed when the
// file was written (never hashed again per request), so a downloader can verify every piece.
import type { Metadata, handleUnaryCall } from '@grpc/grpc-js'
import type { Logger } from 'pino'
import type { FileInfo, FileInfoRequest__Output } from '@p2p/proto'
import { PeerError, isUnexpectedError, toGrpcError } from '../errors.js'
import type { FileStore } from '../store/file-store.js'
import { findFile } from './find-file.js'
import type { TicketGate } from '../auth/ticket-gate.js'
import { callLogOf } from '../grpc/call-log.js'

export interface GetFileInfoComponents {
  store: Pick<FileStore, 'get' | 'findBySha256' | 'pieceHashes'>
  tickets: TicketGate
  logger: Pick<Logger, 'child'>
}

export function createGetFileInfoHandler (components: GetFileInfoComponents): handleUnaryCall<FileInfoRequest__Output, FileInfo> {
  const { store, tickets, logger } = components

  async function answer (request: FileInfoRequest__Output, metadata: Metadata): Promise<FileInfo> {
    const ticket = await tickets.verify(metadata, 'download')
    const file = await findFile(store, request)
    tickets.assertDownloadOf(ticket, file)
    const hashes = await store.pieceHashes(file.sha256)
    if (hashes == null) throw new PeerError('PEER_NOT_FOUND', `"${file.name}" is no longer stored here`)
    return { name: file.name, size: file.size, sha256: file.sha256, pieceSize: hashes.pieceBytes, pieceSha256: hashes.pieces }
  }

  return (call, callback) => {
    const { log } = callLogOf(logger, call.metadata)
    answer(call.request, call.metadata).then((info) => {
      log.debug({ file: info.name }, 'file info served')
      callback(null, info)
    }, (err: unknown) => {
      if (isUnexpectedError(err)) log.error({ err }, 'file info failed')
      else log.debug({ reason: (err as Error).message }, 'file info refused')
      callback(toGrpcError(err))
    })
  }
}
