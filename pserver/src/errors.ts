// Every error the peer's file service answers with, and the one mapping from them to a gRPC status.
// Clients branch on the error code in the metadata (ERROR_CODE_METADATA_KEY), never on the details text.
import { Metadata, status } from '@grpc/grpc-js'
import type { ServiceError } from '@grpc/grpc-js'
import { ERROR_CODE_METADATA_KEY } from '@p2p/proto'

/** Stable error codes with the gRPC status each one is answered with. */
export const PEER_ERROR_STATUS = {
  PEER_NOT_FOUND: status.NOT_FOUND,
  PEER_NO_ROOM: status.RESOURCE_EXHAUSTED,
  PEER_FILE_EXISTS: status.ALREADY_EXISTS,
  PEER_BAD_REQUEST: status.INVALID_ARGUMENT,
  PEER_OUT_OF_RANGE: status.OUT_OF_RANGE,
  PEER_SIZE_MISMATCH: status.DATA_LOSS,
  PEER_HASH_MISMATCH: status.DATA_LOSS,
  /** The upload's stream ended without its end message: the sender was cut off. */
  PEER_INCOMPLETE_UPLOAD: status.DATA_LOSS,
  PEER_CANCELLED: status.CANCELLED,
  /** The peer is shutting down: it finishes the transfers it has and takes no new one; another holder will serve. */
  PEER_DRAINING: status.UNAVAILABLE,
  /** No ticket, or one the cluster did not sign, or one that expired. */
  PEER_UNAUTHENTICATED: status.UNAUTHENTICATED,
  /** A genuine ticket used for another peer, file, size or kind of transfer. */
  PEER_FORBIDDEN: status.PERMISSION_DENIED,
  PEER_INTERNAL: status.INTERNAL
} as const satisfies Record<string, status>

export type PeerErrorCode = keyof typeof PEER_ERROR_STATUS

/** A failure the peer explains to its caller: the message is meant for people and is sent as is. */
export class PeerError extends Error {
  readonly status: status

  constructor (readonly code: PeerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'PeerError'
    this.status = PEER_ERROR_STATUS[code]
  }
}

/**
 * The only place that turns an error into what goes on the wire. Anything that is not a PeerError is
 * a bug or an I/O failure whose text may name paths on this machine, so it is answered as INTERNAL
 * with a generic message (the caller logs the real error).
 */
export function toGrpcError (err: unknown): ServiceError {
  const known = err instanceof PeerError ? err : new PeerError('PEER_INTERNAL', 'internal error')
  const metadata = new Metadata()
  metadata.set(ERROR_CODE_METADATA_KEY, known.code)
  return Object.assign(new Error(known.message), {
    code: known.status,
    details: known.message,
    metadata
  })
}

/** True for errors that toGrpcError hides; handlers log these. */
export function isUnexpectedError (err: unknown): boolean {
  return !(err instanceof PeerError)
}

/** The text of any thrown value, for a log line's `reason` (logs stay on this machine; never sent). */
export function reasonOf (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
