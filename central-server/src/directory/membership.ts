// Peers join, heartbeat, announce and leave. A registration replaces all the directory knows of a peer
// (soft state: a restarted central is whole again once every peer has registered), a heartbeat keeps it
// live and brings back its copy orders, an announce adds one file under the name's rule (one name, one
// content). A peer that stops heartbeating expires (expiry.ts) through the same removal as a leave.
import type { announceFileBodySchema, heartbeatBodySchema, Lease, PeerView, registerPeerBodySchema } from '@p2p/proto/directory'
import type { z } from 'zod'
import { FileDeletedError, PeerUnknownError, ValidationError } from '../errors.js'
import type { DeleteOrderRecord, PeerSummary } from '../store/directory-store.js'
import type { DirectoryContext } from './context.js'
import { settleCopyOrders } from './copy-orders.js'
import { settleDeleteOrders } from './deletion.js'
import type { ReplicaAssignment } from './copy-orders.js'
import { expiresAfterMs, expiryCutoff, removePeer, requireLivePeer } from './expiry.js'
import { decodeCursor, encodeCursor } from './paging.js'
import type { Page, PageQuery } from './paging.js'
import { nameTakenError, renewUploadClaims } from './placement.js'

export type RegisterPeerInput = z.output<typeof registerPeerBodySchema>
export type HeartbeatInput = z.output<typeof heartbeatBodySchema>
export type AnnounceFileInput = z.output<typeof announceFileBodySchema>
export type LeaseTerms = Omit<Lease, 'replicate' | 'delete'>

/** A heartbeat's answer before tickets are signed: the lease, and the copies this peer should make. */
export interface HeartbeatAnswer {
  lease: LeaseTerms
  replicate: ReplicaAssignment[]
  /** Files this peer is to delete (deleted from the network), until it confirms them. */
  delete: DeleteOrderRecord[]
}

function leaseFor (context: DirectoryContext, peerId: string): LeaseTerms {
  return { peerId, heartbeatIntervalMs: context.heartbeatIntervalMs, expiresAfterMs: expiresAfterMs(context) }
}

/** The lease, and the delete orders of files the peer registered with that were deleted while it was away. */
export async function register (context: DirectoryContext, input: RegisterPeerInput): Promise<LeaseTerms & { delete: DeleteOrderRecord[] }> {
  const { store, now, log } = context
  const seen = new Set<string>()
  for (const [index, file] of input.files.entries()) {
    if (seen.has(file.name)) throw new ValidationError(`body.files[${index}].name: '${file.name}' is listed twice`)
    seen.add(file.name)
  }
  const at = now()
  await store.putPeer({
    peerId: input.peerId,
    grpcAddress: input.grpcAddress,
    capacityBytes: input.capacityBytes,
    freeBytes: input.freeBytes,
    activeTransfers: input.activeTransfers,
    registeredAt: at,
    lastSeenAt: at
  }, input.files.map((file) => ({ name: file.name, size: file.size, sha256: file.sha256, piecesSha256: file.piecesSha256, announcedAt: at })))
  log.info({ peerId: input.peerId, grpcAddress: input.grpcAddress, files: input.files.length }, 'peer registered')
  return { ...leaseFor(context, input.peerId), delete: await settleDeleteOrders(context, input.peerId, []) }
}

/** Throws PeerUnknownError when the peer is unknown or expired: it must register again. */
export async function heartbeat (context: DirectoryContext, peerId: string, input: HeartbeatInput): Promise<HeartbeatAnswer> {
  await requireLivePeer(context, peerId)
  const at = context.now()
  const updated = await context.store.updatePeer(peerId, { freeBytes: input.freeBytes, activeTransfers: input.activeTransfers, lastSeenAt: at })
  if (!updated) throw new PeerUnknownError(peerId)
  await renewUploadClaims(context, peerId, input.uploading, at)
  const deletes = await settleDeleteOrders(context, peerId, input.deleted)
  return { lease: leaseFor(context, peerId), replicate: await settleCopyOrders(context, peerId, input.replicating), delete: deletes }
}

export async function announce (context: DirectoryContext, peerId: string, input: AnnounceFileInput): Promise<void> {
  const { store, now, log } = context
  await requireLivePeer(context, peerId)
  const at = now()
  // The store refuses, atomically, a name that belongs to another content or another upload; an
  // announce under the peer's own claim makes its content what the name stands for (an upload of a
  // lost name replaces it). Announcing the same content again keeps its original date.
  const outcome = await store.addHolding(
    { peerId, name: input.name, size: input.size, sha256: input.sha256, piecesSha256: input.piecesSha256, announcedAt: at },
    { freeBytes: input.freeBytes, lastSeenAt: at },
    { seenAfter: expiryCutoff(context, at) })
  if (outcome === 'unknown-peer') throw new PeerUnknownError(peerId)
  if (outcome === 'deleted') {
    log.info({ peerId, file: input.name, sha256: input.sha256 }, 'announce refused: the file was deleted; the peer is ordered to delete it')
    throw new FileDeletedError(input.name)
  }
  if (outcome !== 'added') {
    log.warn({ peerId, file: input.name, sha256: input.sha256, reason: outcome }, 'announce refused: the name belongs to another content')
    throw nameTakenError(outcome, input.name)
  }
}

/** Idempotent: leaving twice, or after expiry, is not an error. */
export async function leave (context: DirectoryContext, peerId: string): Promise<void> {
  await removePeer(context, peerId, 'left')
}

/** A page of live peers by peer id. */
export async function listPeers (context: DirectoryContext, { limit, cursor }: PageQuery): Promise<Page<'peers', PeerView>> {
  // One more than the page tells whether another page follows.
  const found = await context.store.pagePeers({ seenAfter: expiryCutoff(context), after: decodeCursor(cursor), limit: limit + 1 })
  const peers = found.slice(0, limit)
  const last = peers.at(-1)
  return { peers: peers.map(toPeerView), next: found.length > limit && last != null ? encodeCursor(last.peerId) : null }
}

function toPeerView (peer: PeerSummary): PeerView {
  return {
    peerId: peer.peerId,
    grpcAddress: peer.grpcAddress,
    capacityBytes: peer.capacityBytes,
    freeBytes: peer.freeBytes,
    activeTransfers: peer.activeTransfers,
    fileCount: peer.fileCount,
    registeredAt: new Date(peer.registeredAt).toISOString(),
    lastSeenAt: new Date(peer.lastSeenAt).toISOString()
  }
}
