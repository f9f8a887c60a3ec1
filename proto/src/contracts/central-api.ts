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

/** Most uploads in progress one heartbeat reports (a peer receiving more keeps the rest's claims until their TTL). */
export const MAX_UPLOADS_REPORTED = 1000

/** Most copies one peer makes at once for the central; more orders wait for later heartbeats. */
export const MAX_REPLICATIONS_PER_PEER = 2

export const heartbeatBodySchema = z.object({
  freeBytes: byteCountSchema,
  activeTransfers: countSchema.default(0),
  /**
   * Names of the copies the central ordered that this peer is still making. An order missing here is
   * over (announced, or failed): the central forgets it and may give it to another peer.
   */
  replicating: z.array(fileNameSchema).max(16).default([]),
  /**
   * Names of the uploads this peer is receiving now: the central keeps their names claimed while they
   * run, and frees the name of an upload it placed here that this peer is no longer receiving.
   */
  uploading: z.array(fileNameSchema).max(MAX_UPLOADS_REPORTED).default([])
})

/** A signed, short-lived permission for one transfer; sent to the pserver in gRPC metadata. */
const ticketSchema = z.string().min(1).max(4096)

export const replicaSourceSchema = z.object({
  peerId: peerIdSchema,
  grpcAddress: grpcAddressSchema
})

/**
 * The central asks a peer to keep a copy of a file: fetch it from one of `sources` (with `ticket`, a
 * download ticket good at each of them), check it against size and sha256, store it, announce it.
 */
export const replicationOrderSchema = fileEntrySchema.extend({
  sources: z.array(replicaSourceSchema).min(1),
  ticket: ticketSchema
})

/** What the central tells a peer after a registration or a heartbeat: how often to come back, and what to copy. */
export const leaseSchema = z.object({
  peerId: peerIdSchema,
  heartbeatIntervalMs: z.number().int().positive(),
  expiresAfterMs: z.number().int().positive(),
  replicate: z.array(replicationOrderSchema).max(MAX_REPLICATIONS_PER_PEER).default([])
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

/** ok: at least the replication factor's copies; under-replicated: fewer; lost: no live copy at all. */
export const replicaStatusSchema = z.enum(['ok', 'under-replicated', 'lost'])

export const fileViewSchema = z.object({
  name: fileNameSchema,
  size: byteCountSchema,
  sha256: sha256Schema,
  /** When the first live holder announced this content. */
  addedAt: isoDateSchema,
  /** Live holders of this content, least loaded first. */
  holders: z.array(holderSchema),
  /** Live copies (holders.length), and how that compares with the replication factor. */
  replicas: countSchema,
  status: replicaStatusSchema
})

/** A file the central knew of whose every holder is gone. */
export const lostFileSchema = fileEntrySchema.extend({
  addedAt: isoDateSchema
})

export const replicationReportSchema = z.object({
  /** How many live copies the central keeps of each file (fewer when fewer peers have room). */
  replicationFactor: z.number().int().positive(),
  /** Files with at least one live copy. */
  files: countSchema,
  underReplicated: z.array(fileViewSchema),
  /** Files no live peer holds; they come back if a peer that had them registers again. */
  lost: z.array(lostFileSchema),
  /** Copies the central has ordered that are still being made. */
  copiesInProgress: countSchema
})

export const listPeersResponseSchema = z.object({ peers: z.array(peerViewSchema) })
export const listFilesResponseSchema = z.object({ files: z.array(fileViewSchema) })

export const placementBodySchema = z.object({
  name: fileNameSchema,
  size: byteCountSchema
})

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

/** A peer asks for a copy of a file (its user downloaded it and the peer keeps what it downloads). */
export const copyRequestBodySchema = z.object({ name: fileNameSchema })

export const copyRequestResponseSchema = z.object({
  name: fileNameSchema,
  peerId: peerIdSchema,
  /** ordered: the peer gets the order with its next heartbeat; held: it has the file already. */
  status: z.enum(['ordered', 'held'])
})

export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  peers: countSchema,
  files: countSchema,
  replicationFactor: z.number().int().positive(),
  underReplicated: countSchema,
  lost: countSchema
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
export type ReplicationOrder = z.infer<typeof replicationOrderSchema>
export type ReplicaSource = z.infer<typeof replicaSourceSchema>
export type ReplicaStatus = z.infer<typeof replicaStatusSchema>
export type LostFile = z.infer<typeof lostFileSchema>
export type ReplicationReport = z.infer<typeof replicationReportSchema>
export type CopyRequestResponse = z.infer<typeof copyRequestResponseSchema>
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
  /** The central knew the file, but every peer that held it is gone (404). */
  FileLost: 'CENTRAL_FILE_LOST',
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
