// The one mapping from what the central or a peer answered to the web client's own errors (and so to
// an HTTP status): gRPC statuses and central error codes are translated here and nowhere else.
import { status } from '@grpc/grpc-js'
import type { ServiceError } from '@grpc/grpc-js'
import { CentralErrorCode, CentralRequestError, CentralUnreachableError as CentralUnreachable, ERROR_CODE_METADATA_KEY } from '@p2p/proto'
import {
  BadRequestError, CancelledError, CentralFailedError, CentralUnreachableError, DataLossError, FileExistsError,
  FileLostError, FileNotFoundError, InternalError, NoRoomError, PeerFailedError, PeerRefusedError, PeerUnreachableError, isClientError
} from './errors.js'
import type { ClientError } from './errors.js'

export function isGrpcServiceError (err: unknown): err is ServiceError {
  return err instanceof Error && 'code' in err && typeof err.code === 'number' && 'details' in err && 'metadata' in err
}

/** The pserver's stable code (PEER_NO_ROOM, ...) carried by a gRPC error, or null. */
export function peerErrorCode (err: ServiceError): string | null {
  const value = err.metadata?.get(ERROR_CODE_METADATA_KEY)[0]
  return typeof value === 'string' ? value : null
}

/** Any failure of a transfer, as the PCLIENT_ error (code and HTTP status) the client answers with. */
export function toHttpError (err: unknown): ClientError {
  if (isClientError(err)) return err
  if (isGrpcServiceError(err)) return fromGrpcError(err)
  if (err instanceof CentralUnreachable) return new CentralUnreachableError(err.message, { cause: err })
  if (err instanceof CentralRequestError) return fromCentralError(err)
  return new InternalError({ cause: err })
}

function fromGrpcError (err: ServiceError): ClientError {
  const details = err.details !== '' ? err.details : err.message
  const options = { cause: err }
  switch (err.code) {
    case status.RESOURCE_EXHAUSTED:
      return new NoRoomError(`the peer has no room: ${details}`, options)
    case status.ALREADY_EXISTS:
      return new FileExistsError(`the peer already holds that file: ${details}`, options)
    case status.INVALID_ARGUMENT:
      return new PeerRefusedError(`the peer refused the request: ${details}`, options)
    case status.NOT_FOUND:
      return new FileNotFoundError(`the peer does not have that file: ${details}`, options)
    case status.DATA_LOSS:
      return new DataLossError(`the transfer was corrupted: ${details}`, options)
    case status.UNAVAILABLE:
    case status.DEADLINE_EXCEEDED:
      return new PeerUnreachableError(`the peer is unreachable: ${details}`, options)
    case status.CANCELLED:
      return new CancelledError(`the transfer was cancelled: ${details}`, options)
    default:
      return new PeerFailedError(`the peer failed (${status[err.code] ?? err.code}): ${details}`, options)
  }
}

function fromCentralError (err: CentralRequestError): ClientError {
  const options = { cause: err }
  switch (err.code) {
    case CentralErrorCode.FileNotFound:
      return new FileNotFoundError(err.message, options)
    case CentralErrorCode.FileLost:
      return new FileLostError(err.message, options)
    case CentralErrorCode.FileExists:
      return new FileExistsError(err.message, options)
    case CentralErrorCode.NoRoom:
      return new NoRoomError(err.message, options)
  }
  if (err.statusCode === 400) return new BadRequestError(`the central refused the request: ${err.message}`, options)
  return new CentralFailedError(`${err.code}: ${err.message}`, options)
}
