// Every error the central answers with: a stable CENTRAL_ code and an HTTP status each. Clients branch on
// the code (see CentralErrorCode in @p2p/proto), never on the message.
import createError from '@fastify/error'

export const FileNotFoundError = createError<'CENTRAL_FILE_NOT_FOUND', 404, [string]>(
  'CENTRAL_FILE_NOT_FOUND', "no live peer holds a file named '%s'", 404)

/** The central knew the file, but every peer that held it has gone: no copy is reachable. */
export const FileLostError = createError<'CENTRAL_FILE_LOST', 404, [string]>(
  'CENTRAL_FILE_LOST', "every peer that held '%s' is gone; it is lost until one of them comes back", 404)

/** The file was deleted: answered while its tombstone lasts (TOMBSTONE_TTL_MS), then the name is unknown (404). */
export const FileDeletedError = createError<'CENTRAL_FILE_DELETED', 410, [string]>(
  'CENTRAL_FILE_DELETED', "'%s' was deleted from the network", 410)

/** A delete without the file's delete token (the one its upload answered with) or the operator's. */
export const DeleteForbiddenError = createError<'CENTRAL_DELETE_FORBIDDEN', 403, [string]>(
  'CENTRAL_DELETE_FORBIDDEN', "the delete token does not allow deleting '%s' (only the token its upload answered with, or the operator's)", 403)

export const FileExistsError = createError<'CENTRAL_FILE_EXISTS', 409, [string]>(
  'CENTRAL_FILE_EXISTS', "a live peer already holds a file named '%s'", 409)

/** Another upload under this name is under way: the name goes to the first upload placed (same code: the name is taken). */
export const NameUploadingError = createError<'CENTRAL_FILE_EXISTS', 409, [string]>(
  'CENTRAL_FILE_EXISTS', "a file named '%s' is being uploaded to the network right now; choose another name, or try again if that upload fails", 409)

export const NoRoomError = createError<'CENTRAL_NO_ROOM', 507, [number]>(
  'CENTRAL_NO_ROOM', 'no live peer has room for %s bytes', 507)

export const PeerUnknownError = createError<'CENTRAL_PEER_UNKNOWN', 404, [string]>(
  'CENTRAL_PEER_UNKNOWN', "peer '%s' is not registered (or has expired); register again with its full state", 404)

/** A request the schemas accept but the directory cannot (e.g. one name twice in a registration). */
export const ValidationError = createError<'CENTRAL_VALIDATION', 400, [string]>(
  'CENTRAL_VALIDATION', '%s', 400)

export const RouteNotFoundError = createError<'CENTRAL_ROUTE_NOT_FOUND', 404, [string, string]>(
  'CENTRAL_ROUTE_NOT_FOUND', 'no route %s %s', 404)

export const BodyTooLargeError = createError<'CENTRAL_BODY_TOO_LARGE', 413>(
  'CENTRAL_BODY_TOO_LARGE', 'the request body is too large', 413)

export const UnsupportedMediaTypeError = createError<'CENTRAL_UNSUPPORTED_MEDIA_TYPE', 415>(
  'CENTRAL_UNSUPPORTED_MEDIA_TYPE', 'request bodies must be JSON (content-type: application/json)', 415)

/** Any other client error Fastify raises (bad header, aborted body, ...). */
export const BadRequestError = createError<'CENTRAL_BAD_REQUEST', 400, [string]>(
  'CENTRAL_BAD_REQUEST', '%s', 400)

/**
 * The directory's store (Redis) cannot be reached or cannot serve right now: every route that needs it
 * answers this at once, until the store's client has reconnected by itself. The cause is kept for logs.
 */
export const StoreUnavailableError = createError<'CENTRAL_STORE_UNAVAILABLE', 503, [{ cause: unknown }?]>(
  'CENTRAL_STORE_UNAVAILABLE', 'the directory store cannot be reached right now; try again in a few seconds', 503)

export const InternalError = createError<'CENTRAL_INTERNAL', 500>(
  'CENTRAL_INTERNAL', 'internal error in the central directory', 500)

/** The request is not signed with the cluster secret (missing, wrong, stale or tampered signature). */
export const UnauthenticatedError = createError<'CENTRAL_UNAUTHENTICATED', 401, [string]>(
  'CENTRAL_UNAUTHENTICATED', '%s', 401)

/** A member signed a request about another peer: a peer speaks only for itself. */
export const ForbiddenError = createError<'CENTRAL_FORBIDDEN', 403, [string, string]>(
  'CENTRAL_FORBIDDEN', "member '%s' may not speak for peer '%s'", 403)

export const RateLimitedError = createError<'CENTRAL_RATE_LIMITED', 429, [string]>(
  'CENTRAL_RATE_LIMITED', 'too many requests; retry in %s', 429)
