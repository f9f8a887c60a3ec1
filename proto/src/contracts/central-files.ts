// What the central answers about files: the list, a located file, a placement for an upload, a copy
// request, the replication report and health.
import { z } from 'zod'
import { fileNameSchema } from './file-name.js'
import { byteCountSchema, countSchema, fileEntrySchema, grpcAddressSchema, isoDateSchema, peerIdSchema, sha256Schema, ticketSchema } from './central-values.js'

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
  /** The SHA-256 of the content's piece table, when the central recorded one with it (fileEntrySchema). */
  piecesSha256: sha256Schema.optional(),
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

/** Most entries one page of a listing may carry; the default page is LIST_PAGE_DEFAULT. */
export const LIST_PAGE_MAX = 1000
export const LIST_PAGE_DEFAULT = 100

/**
 * A page of a listing: `limit` entries at most, after `cursor` (the `next` of the previous page,
 * opaque to clients), by name. An answer costs the page, not the whole network.
 */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(LIST_PAGE_MAX).default(LIST_PAGE_DEFAULT),
  cursor: z.string().min(1).max(1024).optional()
})

/** GET /files: a page of files by name; `q` keeps the names that contain every one of its words (any case). */
export const listFilesQuerySchema = pageQuerySchema.extend({
  q: z.string().max(200).optional()
})

/** `next`: the cursor of the following page, null on the last one. */
export const listFilesResponseSchema = z.object({ files: z.array(fileViewSchema), next: z.string().nullable().default(null) })

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

/** DELETE /files/{name} (token in the X-Delete-Token header): the file deleted, everywhere, and when. */
export const deleteFileResponseSchema = z.object({
  name: fileNameSchema,
  sha256: sha256Schema,
  deletedAt: isoDateSchema
})

export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  peers: countSchema,
  files: countSchema,
  replicationFactor: z.number().int().positive(),
  underReplicated: countSchema,
  lost: countSchema,
  /** Where this central keeps the directory, and which replica of the central answered. */
  store: z.enum(['memory', 'redis']).optional(),
  replica: z.string().optional()
})

export type ReplicaStatus = z.infer<typeof replicaStatusSchema>
export type LostFile = z.infer<typeof lostFileSchema>
export type ReplicationReport = z.infer<typeof replicationReportSchema>
export type CopyRequestResponse = z.infer<typeof copyRequestResponseSchema>
export type Holder = z.infer<typeof holderSchema>
export type FileView = z.infer<typeof fileViewSchema>
export type LocatedFile = z.infer<typeof locateResponseSchema>
export type PlacementBody = z.infer<typeof placementBodySchema>
export type Placement = z.infer<typeof placementResponseSchema>
export type DeletedFile = z.infer<typeof deleteFileResponseSchema>
export type HealthResponse = z.infer<typeof healthResponseSchema>
