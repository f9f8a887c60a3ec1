// What a peer and the central say to each other: registration with the peer's whole state, heartbeats
// (with the copies and uploads in progress), announces, the lease and the copy orders it carries, and
// the peer list.
import { z } from 'zod'
import { fileNameSchema } from './file-name.js'
import { MAX_FILES_PER_PEER, byteCountSchema, countSchema, fileEntrySchema, grpcAddressSchema, isoDateSchema, peerIdSchema, sha256Schema, ticketSchema } from './central-values.js'

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

/** Most delete orders one lease carries; more follow with later heartbeats. */
export const MAX_DELETES_PER_LEASE = 1000

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
  uploading: z.array(fileNameSchema).max(MAX_UPLOADS_REPORTED).default([]),
  /** Names this peer deleted as the central ordered (the lease's `delete`): the central stops ordering them. */
  deleted: z.array(fileNameSchema).max(MAX_DELETES_PER_LEASE).default([])
})


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

/**
 * The central asks a peer to delete its file `name` if that name still refers to content `sha256` (the
 * file was deleted from the network), and to abandon any copy of it under way; the peer confirms in
 * its next heartbeat's `deleted`.
 */
export const deleteOrderSchema = z.object({ name: fileNameSchema, sha256: sha256Schema })

/** What the central tells a peer after a registration or a heartbeat: how often to come back, what to copy and what to delete. */
export const leaseSchema = z.object({
  peerId: peerIdSchema,
  heartbeatIntervalMs: z.number().int().positive(),
  expiresAfterMs: z.number().int().positive(),
  replicate: z.array(replicationOrderSchema).max(MAX_REPLICATIONS_PER_PEER).default([]),
  delete: z.array(deleteOrderSchema).max(MAX_DELETES_PER_LEASE).default([])
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

/** GET /peers (query: pageQuerySchema): a page of live peers by peer id; `next` is null on the last page. */
export const listPeersResponseSchema = z.object({ peers: z.array(peerViewSchema), next: z.string().nullable().default(null) })

export type RegisterPeerBody = z.input<typeof registerPeerBodySchema>
export type HeartbeatBody = z.input<typeof heartbeatBodySchema>
export type AnnounceFileBody = z.infer<typeof announceFileBodySchema>
export type Lease = z.infer<typeof leaseSchema>
export type DeleteOrder = z.infer<typeof deleteOrderSchema>
export type ReplicationOrder = z.infer<typeof replicationOrderSchema>
export type ReplicaSource = z.infer<typeof replicaSourceSchema>
export type PeerView = z.infer<typeof peerViewSchema>
