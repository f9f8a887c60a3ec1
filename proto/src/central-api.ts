// The central's REST API as zod schemas: the central validates with them, its clients (pserver,
// pclient) parse its answers with them, and the OpenAPI document at /docs is generated from them.
import { z } from 'zod'
import { fileNameSchema } from './file-name.js'

export const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 must be 64 lower-case hex digits')
export const peerIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a peer id is 1-64 letters, digits, dots, dashes or underscores')
// host:port, with the host a DNS name, an IPv4 address or a bracketed IPv6 address.
export const grpcAddressSchema = z.string().max(300).regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'a gRPC address is host:port')
export const byteCountSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)
const countSchema = z.number().int().nonnegative().max(1_000_000)
const isoDateSchema = z.string().meta({ format: 'date-time' })

/** Largest file list one registration may carry (a bound on request size, not on what a peer stores). */
export const MAX_FILES_PER_PEER = 100_000

export const fileEntrySchema = z.object({
  name: fileNameSchema,
  size: byteCountSchema,
  sha256: sha256Schema
})

export const peerIdParamsSchema = z.object({ peerId: peerIdSchema })
export const fileNameParamsSchema = z.object({ name: fileNameSchema })

export const registerPeerBodySchema = z.object({
  peerId: peerIdSchema,
  grpcAddress: grpcAddressSchema,
  capacityBytes: byteCountSchema,
  freeBytes: byteCountSchema,
  activeTransfers: countSchema.default(0),
  files: z.array(fileEntrySchema).max(MAX_FILES_PER_PEER)
})

export const heartbeatBodySchema = z.object({
  freeBytes: byteCountSchema,
  activeTransfers: countSchema.default(0)
})

/** What the central tells a peer after a registration or a heartbeat: how often to come back. */
export const leaseSchema = z.object({
  peerId: peerIdSchema,
  heartbeatIntervalMs: z.number().int().positive(),
  expiresAfterMs: z.number().int().positive()
})

export const announceFileBodySchema = fileEntrySchema.extend({
  freeBytes: byteCountSchema
})

export const peerViewSchema = z.object({
  peerId: peerIdSchema,
  grpcAddress: grpcAddressSchema,
  capacityBytes: byteCountSchema,
  freeBytes: byteCountSchema,
  activeTransfers: countSchema,
  fileCount: countSchema.max(MAX_FILES_PER_PEER),
  registeredAt: isoDateSchema,
  lastSeenAt: isoDateSchema
})

export const holderSchema = z.object({
  peerId: peerIdSchema,
  grpcAddress: grpcAddressSchema,
  freeBytes: byteCountSchema,
  activeTransfers: countSchema
})

export const fileViewSchema = z.object({
  name: fileNameSchema,
  size: byteCountSchema,
  sha256: sha256Schema,
  /** When the first live holder announced this content. */
  addedAt: isoDateSchema,
  /** Live holders of this content, least loaded first. */
  holders: z.array(holderSchema)
})

export const listPeersResponseSchema = z.object({ peers: z.array(peerViewSchema) })
export const listFilesResponseSchema = z.object({ files: z.array(fileViewSchema) })

export const placementBodySchema = z.object({
  name: fileNameSchema,
  size: byteCountSchema
})

/** A signed, short-lived permission for one transfer; sent to the pserver in gRPC metadata. */
const ticketSchema = z.string().min(1).max(4096)

export const placementResponseSchema = z.object({
  name: fileNameSchema,
  size: byteCountSchema,
  peerId: peerIdSchema,
  grpcAddress: grpcAddressSchema,
  /**
   * An upload ticket for exactly this name and at most this size, good only at peerId. The central
   * always sends one; it is optional in the type only so the directory's own placement logic, which
   * runs before the ticket is signed, can share this schema.
   */
  ticket: ticketSchema.optional()
})

/** Where to download a file from: its view, plus a download ticket good at every listed holder. */
export const locateResponseSchema = fileViewSchema.extend({
  /** Always sent by the central; optional in the type for the same reason as the placement's. */
  ticket: ticketSchema.optional()
})

export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  peers: countSchema,
  files: countSchema
})

/** Every error any service answers over HTTP: `error` is a stable code, `message` is for people. */
export const errorBodySchema = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string()
})

export type FileEntry = z.infer<typeof fileEntrySchema>
export type RegisterPeerBody = z.input<typeof registerPeerBodySchema>
export type HeartbeatBody = z.input<typeof heartbeatBodySchema>
export type AnnounceFileBody = z.infer<typeof announceFileBodySchema>
export type Lease = z.infer<typeof leaseSchema>
export type PeerView = z.infer<typeof peerViewSchema>
export type Holder = z.infer<typeof holderSchema>
export type FileView = z.infer<typeof fileViewSchema>
export type LocatedFile = z.infer<typeof locateResponseSchema>
export type PlacementBody = z.infer<typeof placementBodySchema>
export type Placement = z.infer<typeof placementResponseSchema>
export type HealthResponse = z.infer<typeof healthResponseSchema>
export type ErrorBody = z.infer<typeof errorBodySchema>

/** Stable error codes of the central; clients branch on these, never on message text. */
export const CentralErrorCode = {
  FileNotFound: 'CENTRAL_FILE_NOT_FOUND',
  FileExists: 'CENTRAL_FILE_EXISTS',
  NoRoom: 'CENTRAL_NO_ROOM',
  PeerUnknown: 'CENTRAL_PEER_UNKNOWN',
  Validation: 'CENTRAL_VALIDATION',
  /** The request is not signed by a cluster member (401). */
  Unauthenticated: 'CENTRAL_UNAUTHENTICATED',
  /** A member tried to speak for another peer (403). */
  Forbidden: 'CENTRAL_FORBIDDEN',
  RateLimited: 'CENTRAL_RATE_LIMITED',
  RouteNotFound: 'CENTRAL_ROUTE_NOT_FOUND',
  Internal: 'CENTRAL_INTERNAL'
} as const
