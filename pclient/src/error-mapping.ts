// The one mapping from any error the web client meets to its own errors (and so to one HTTP error
// shape): what the central answered (its error codes, or no answer), what a peer answered (gRPC
// statuses), what Fastify and its multipart parser raise, and the client's own PCLIENT_ errors, kept as
// they are. Routes, transfers and the error handler all map through toHttpError and nothing else
// decides. (A request that fails its route's schema reaches only the error handler, which words it
// from the schema's issues: plugins/error-handler.ts.)
// gRPC's status codes from grpc-js's own constants module, without loading grpc-js itself
// (transfers/peer-connector.ts loads it at the first transfer).
import { Status as status } from '@grpc/grpc-js/build/src/constants.js'
import type { ServiceError } from '@grpc/grpc-js'
import { CentralErrorCode, CentralRequestError, CentralUnreachableError as CentralClientUnreachableError, ERROR_CODE_METADATA_KEY } from '@p2p/proto'
import {
  BadRequestError, CancelledError, CentralFailedError, CentralUnreachableError, DataLossError, DeleteForbiddenError, FileDeletedError, FileExistsError, FileLostError,
  FileNotFoundError, InternalError, NoFileError, NoRoomError, PeerFailedError, PeerRefusedError, PeerUnreachableError,
  UnsupportedMediaTypeError, UploadTooLargeError, ValidationError, isClientError
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

/**
 * Any error as the PCLIENT_ error (code, HTTP status, message) the client answers with. Anything it
 * does not know is 500 PCLIENT_INTERNAL, whose message says nothing of the cause (a path, a stack).
 */
export function toHttpError (err: unknown): ClientError {
  if (isClientError(err)) return err
  if (isGrpcServiceError(err)) return fromGrpcError(err)
  if (err instanceof CentralClientUnreachableError) return new CentralUnreachableError(err.message, { cause: err })
  if (err instanceof CentralRequestError) return fromCentralError(err)
  return fromFastifyError(err) ?? new InternalError({ cause: err })
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
    case CentralErrorCode.FileDeleted:
      return new FileDeletedError(err.message, options)
    case CentralErrorCode.DeleteForbidden:
      return new DeleteForbiddenError(err.message, options)
  }
  if (err.statusCode === 400) return new BadRequestError(`the central refused the request: ${err.message}`, options)
  return new CentralFailedError(`${err.code}: ${err.message}`, options)
}

/** Fastify's own errors (FST_ codes) and any other error that carries a 4xx status; null for the rest. */
function fromFastifyError (err: unknown): ClientError | null {
  if (typeof err !== 'object' || err == null) return null
  const code = 'code' in err && typeof err.code === 'string' ? err.code : null
  const statusCode = 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500
  const message = err instanceof Error ? err.message : String(err)
  switch (code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaTypeError('uploads must be multipart/form-data')
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new NoFileError()
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new UploadTooLargeError(message)
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_BAD_URL':
      return new ValidationError(message)
  }
  if (statusCode >= 400 && statusCode < 500) return new BadRequestError(message)
  return null
}
