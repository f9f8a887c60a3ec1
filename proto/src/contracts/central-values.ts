// The values every central route is made of (hashes, peer ids, addresses, byte counts, file entries,
// tickets), the error body every HTTP service answers with, and the central's error codes.
import { z } from 'zod'
import { fileNameSchema } from './file-name.js'

export const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 must be 64 lower-case hex digits')
export const peerIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a peer id is 1-64 letters, digits, dots, dashes or underscores')
// host:port, with the host a DNS name, an IPv4 address or a bracketed IPv6 address.
export const grpcAddressSchema = z.string().max(300).regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'a gRPC address is host:port')
export const byteCountSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)
export const countSchema = z.number().int().nonnegative().max(1_000_000)
export const isoDateSchema = z.string().meta({ format: 'date-time' })

/** Largest file list one registration may carry (a bound on request size, not on what a peer stores). */
export const MAX_FILES_PER_PEER = 100_000

export const fileEntrySchema = z.object({
  name: fileNameSchema,
  size: byteCountSchema,
  sha256: sha256Schema,
  /**
   * The SHA-256 of the content's piece table (proto's pieceTableDigest), from the pserver that hashed
   * its bytes. The central keeps the one that came with the content when it first recorded it, and a
   * downloader whose holder's piece table matches it need not hash the whole file. Absent from peers
   * that do not compute it: their files are downloaded with the whole file's SHA-256 checked.
   */
  piecesSha256: sha256Schema.optional()
})

export const peerIdParamsSchema = z.object({ peerId: peerIdSchema })
export const fileNameParamsSchema = z.object({ name: fileNameSchema })

/** A signed, short-lived permission for one transfer; sent to the pserver in gRPC metadata. */
export const ticketSchema = z.string().min(1).max(4096)

/** Every error any service answers over HTTP: `error` is a stable code, `message` is for people. */
export const errorBodySchema = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string()
})

export type FileEntry = z.infer<typeof fileEntrySchema>
export type ErrorBody = z.infer<typeof errorBodySchema>

/** Stable error codes of the central; clients branch on these, never on message text. */
export const CentralErrorCode = {
  FileNotFound: 'CENTRAL_FILE_NOT_FOUND',
  /** The central knew the file, but every peer that held it is gone (404). */
  FileLost: 'CENTRAL_FILE_LOST',
  FileExists: 'CENTRAL_FILE_EXISTS',
  NoRoom: 'CENTRAL_NO_ROOM',
  /** The file was deleted; its tombstone lasts TOMBSTONE_TTL_MS (410), then the name is simply unknown. */
  FileDeleted: 'CENTRAL_FILE_DELETED',
  /** A delete without the file's token or the operator's (403). */
  DeleteForbidden: 'CENTRAL_DELETE_FORBIDDEN',
  PeerUnknown: 'CENTRAL_PEER_UNKNOWN',
  Validation: 'CENTRAL_VALIDATION',
  /** The request is not signed by a cluster member (401). */
  Unauthenticated: 'CENTRAL_UNAUTHENTICATED',
  /** A member tried to speak for another peer (403). */
  Forbidden: 'CENTRAL_FORBIDDEN',
  RateLimited: 'CENTRAL_RATE_LIMITED',
  /** The directory's store (Redis) cannot be reached; the central answers 503 until it can again. */
  StoreUnavailable: 'CENTRAL_STORE_UNAVAILABLE',
  RouteNotFound: 'CENTRAL_ROUTE_NOT_FOUND',
  Internal: 'CENTRAL_INTERNAL'
} as const
