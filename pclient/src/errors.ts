// Every error the web client answers with: a stable PCLIENT_ code and an HTTP status each. Clients and
// tests branch on the code, never on the message. The transfer modules throw these too, so a command
// line client gets the same codes. What the central and the peers answer becomes one of these in
// error-mapping.ts.
import createError from '@fastify/error'
import { fileNameProblem } from '@p2p/proto'

/** The last argument of an error constructor may carry the error it was made from. */
interface Cause { cause?: unknown }

export const LengthRequiredError = createError<'PCLIENT_LENGTH_REQUIRED', 411>(
  'PCLIENT_LENGTH_REQUIRED', 'an upload must declare its Content-Length', 411)

export const UploadTooLargeError = createError<'PCLIENT_TOO_LARGE', 413, [string, Cause?]>(
  'PCLIENT_TOO_LARGE', '%s', 413)

export const NoFileError = createError<'PCLIENT_NO_FILE', 400>(
  'PCLIENT_NO_FILE', "the upload must be multipart/form-data with a file in the field 'file'", 400)

/** The file part has an empty name: no file was chosen, or the sender gave it none (same code as no file at all). */
export const EmptyFileNameError = createError<'PCLIENT_NO_FILE', 400>(
  'PCLIENT_NO_FILE', 'the file name is empty: choose a file to share (a form sent without one has an empty name), or give the file a name', 400)

export const BadNameError = createError<'PCLIENT_BAD_NAME', 400, [string, Cause?]>(
  'PCLIENT_BAD_NAME', 'bad file name: %s', 400)

/**
 * A file name from outside (a multipart filename, a URL, a CLI argument) NFC-normalised, when proto's
 * file-name rule accepts it; else PCLIENT_BAD_NAME with the rule's reason. Names are never sanitised
 * silently: a name that is not valid as given is an error.
 */
export function parseFileName (raw: string): string {
  const problem = fileNameProblem(raw)
  if (problem != null) throw new BadNameError(problem)
  return raw.normalize('NFC')
}

export const FileNotFoundError = createError<'PCLIENT_FILE_NOT_FOUND', 404, [string, Cause?]>(
  'PCLIENT_FILE_NOT_FOUND', '%s', 404)

/** The central knew the file, but every peer that held it is gone. */
export const FileLostError = createError<'PCLIENT_FILE_LOST', 404, [string, Cause?]>(
  'PCLIENT_FILE_LOST', '%s', 404)

/** The file was deleted from the network (410 while its tombstone lasts; then the name is unknown, 404). */
export const FileDeletedError = createError<'PCLIENT_FILE_DELETED', 410, [string, Cause?]>(
  'PCLIENT_FILE_DELETED', '%s', 410)

/** A delete with a wrong, missing or old delete token: nothing was changed. */
export const DeleteForbiddenError = createError<'PCLIENT_DELETE_FORBIDDEN', 403, [string, Cause?]>(
  'PCLIENT_DELETE_FORBIDDEN', '%s', 403)

export const FileExistsError = createError<'PCLIENT_FILE_EXISTS', 409, [string, Cause?]>(
  'PCLIENT_FILE_EXISTS', '%s', 409)

export const NoRoomError = createError<'PCLIENT_NO_ROOM', 507, [string, Cause?]>(
  'PCLIENT_NO_ROOM', '%s', 507)

export const CentralUnreachableError = createError<'PCLIENT_CENTRAL_UNREACHABLE', 502, [string, Cause?]>(
  'PCLIENT_CENTRAL_UNREACHABLE', '%s', 502)

/** The central answered, but not with anything this client expects. */
export const CentralFailedError = createError<'PCLIENT_CENTRAL_ERROR', 502, [string, Cause?]>(
  'PCLIENT_CENTRAL_ERROR', 'the central directory failed: %s', 502)

/** A peer could not be reached, or stopped answering (gRPC UNAVAILABLE or DEADLINE_EXCEEDED). */
export const PeerUnreachableError = createError<'PCLIENT_PEER_UNREACHABLE', 502, [string, Cause?]>(
  'PCLIENT_PEER_UNREACHABLE', '%s', 502)

/** Bytes were lost or corrupted on the way (a size or SHA-256 mismatch). */
export const DataLossError = createError<'PCLIENT_DATA_LOSS', 502, [string, Cause?]>(
  'PCLIENT_DATA_LOSS', '%s', 502)

/** A Range the file cannot satisfy; the answer carries a Content-Range with the size (RFC 9110, 15.5.17). */
const RangeNotSatisfiableBase = createError<'PCLIENT_RANGE_NOT_SATISFIABLE', 416, [string]>(
  'PCLIENT_RANGE_NOT_SATISFIABLE', '%s', 416)

export class RangeNotSatisfiableError extends RangeNotSatisfiableBase {
  readonly headers: Readonly<Record<string, string>>
  constructor (message: string, readonly size: number) {
    super(message)
    this.headers = { 'content-range': `bytes */${size}`, 'accept-ranges': 'bytes' }
  }
}

/** A peer refused a request as malformed (gRPC INVALID_ARGUMENT). */
export const PeerRefusedError = createError<'PCLIENT_PEER_REFUSED', 400, [string, Cause?]>(
  'PCLIENT_PEER_REFUSED', '%s', 400)

/** Any other failure of a peer. */
export const PeerFailedError = createError<'PCLIENT_PEER_ERROR', 502, [string, Cause?]>(
  'PCLIENT_PEER_ERROR', '%s', 502)

/** The transfer was cancelled (the browser went away, or the service is shutting down). */
export const CancelledError = createError<'PCLIENT_CANCELLED', 499, [string, Cause?]>(
  'PCLIENT_CANCELLED', '%s', 499)

/** The web client is closing: running transfers are aborted and the peer discards partial uploads. */
export const ShuttingDownError = createError<'PCLIENT_SHUTTING_DOWN', 503, [Cause?]>(
  'PCLIENT_SHUTTING_DOWN', 'the web client is shutting down; try again shortly', 503)

/** A browser sent the request on behalf of another site (cross-site request forgery). */
export const CrossSiteError = createError<'PCLIENT_CROSS_SITE', 403, [string]>(
  'PCLIENT_CROSS_SITE', '%s', 403)

export const ValidationError = createError<'PCLIENT_VALIDATION', 400, [string, Cause?]>(
  'PCLIENT_VALIDATION', '%s', 400)

export const RouteNotFoundError = createError<'PCLIENT_ROUTE_NOT_FOUND', 404, [string, string]>(
  'PCLIENT_ROUTE_NOT_FOUND', 'no route %s %s', 404)

export const UnsupportedMediaTypeError = createError<'PCLIENT_UNSUPPORTED_MEDIA_TYPE', 415, [string, Cause?]>(
  'PCLIENT_UNSUPPORTED_MEDIA_TYPE', '%s', 415)

/** Any other client error Fastify raises (bad header, aborted body, ...). */
export const BadRequestError = createError<'PCLIENT_BAD_REQUEST', 400, [string, Cause?]>(
  'PCLIENT_BAD_REQUEST', '%s', 400)

export const InternalError = createError<'PCLIENT_INTERNAL', 500, [Cause?]>(
  'PCLIENT_INTERNAL', 'internal error in the web client', 500)

/** What every PCLIENT_ error has; the HTTP error body is made from exactly this. */
export interface ClientError extends Error {
  code: string
  statusCode: number
  /** Headers the error response must carry (e.g. Content-Range on a 416). */
  headers?: Readonly<Record<string, string>>
}

export function isClientError (err: unknown): err is ClientError {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('PCLIENT_') &&
    'statusCode' in err && typeof err.statusCode === 'number'
}
