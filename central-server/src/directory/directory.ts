// The directory's operations: peers join, heartbeat, announce and leave; clients list, locate and place.
// All state lives in the DirectoryStore and every time comes from the injected clock, so replicas and
// tests agree on it. A peer not seen for EXPIRY_INTERVALS heartbeat intervals is gone: reads filter it
// out at once, and the sweep removes it through the same path as a leave, so nothing drifts.
import type {
  announceFileBodySchema, FileView, HealthResponse, heartbeatBodySchema, Lease, PeerView, Placement,
  PlacementBody, registerPeerBodySchema
} from '@p2p/proto'
import type { FastifyBaseLogger } from 'fastify'
import type { z } from 'zod'
import { FileExistsError, FileNotFoundError, NoRoomError, PeerUnknownError, ValidationError } from '../errors.js'
import type { DirectoryStore, PeerRecord, PeerSummary } from '../store/directory-store.js'
import { buildFileViews } from './file-views.js'
import { choosePlacementPeer } from './placement.js'

/** A peer is expired after this many heartbeat intervals without being seen. */
export const EXPIRY_INTERVALS = 3
/** How long a placement holds room on its peer if the file is never announced. */
export const DEFAULT_RESERVATION_TTL_MS = 60_000

export type RegisterPeerInput = z.output<typeof registerPeerBodySchema>
export type HeartbeatInput = z.output<typeof heartbeatBodySchema>
export type AnnounceFileInput = z.output<typeof announceFileBodySchema>

export interface Directory {
  register: (input: RegisterPeerInput) => Promise<Lease>
  /** Throws PeerUnknownError when the peer is unknown or expired: it must register again. */
  heartbeat: (peerId: string, input: HeartbeatInput) => Promise<Lease>
  announce: (peerId: string, input: AnnounceFileInput) => Promise<void>
  /** Idempotent: leaving twice, or after expiry, is not an error. */
  leave: (peerId: string) => Promise<void>
  listPeers: () => Promise<PeerView[]>
  listFiles: () => Promise<FileView[]>
  locate: (name: string) => Promise<FileView>
  place: (input: PlacementBody) => Promise<Placement>
  health: () => Promise<HealthResponse>
  /** Removes every expired peer; answers how many were removed. */
  sweep: () => Promise<number>
}

export interface DirectoryComponents {
  store: DirectoryStore
  now: () => number
  heartbeatIntervalMs: number
  reservationTtlMs?: number
  log: Pick<FastifyBaseLogger, 'info' | 'warn'>
}

export function createDirectory (components: DirectoryComponents): Directory {
  const { store, now, heartbeatIntervalMs, log } = components
  const reservationTtlMs = components.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS
  const expiresAfterMs = EXPIRY_INTERVALS * heartbeatIntervalMs
  /** Peers last seen at or before this instant are expired. */
  const expiryCutoff = (): number => now() - expiresAfterMs
  const lease = (peerId: string): Lease => ({ peerId, heartbeatIntervalMs, expiresAfterMs })

  /** The one way a peer leaves the directory, whether it said goodbye or went quiet. */
  async function removePeer (peerId: string, reason: 'left' | 'expired', notSeenAfter?: number): Promise<boolean> {
    const removed = await store.removePeer(peerId, notSeenAfter == null ? {} : { notSeenAfter })
    if (removed) log.info({ peerId, reason }, 'peer removed')
    return removed
  }

  async function requireLivePeer (peerId: string): Promise<PeerRecord> {
    const peer = await store.getPeer(peerId)
    if (peer == null) throw new PeerUnknownError(peerId)
    const cutoff = expiryCutoff()
    if (peer.lastSeenAt <= cutoff) {
      await removePeer(peerId, 'expired', cutoff)
      throw new PeerUnknownError(peerId)
    }
    return peer
  }

  async function livePeers (): Promise<PeerSummary[]> {
    return await store.listPeers({ seenAfter: expiryCutoff() })
  }

  async function listFiles (): Promise<FileView[]> {
    const cutoff = expiryCutoff()
    const [peers, holdings] = await Promise.all([store.listPeers({ seenAfter: cutoff }), store.listHoldings({ seenAfter: cutoff })])
    return buildFileViews(holdings, new Map(peers.map((peer) => [peer.peerId, peer])))
  }

  return {
    async register (input) {
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
      }, input.files.map((file) => ({ name: file.name, size: file.size, sha256: file.sha256, announcedAt: at })))
      log.info({ peerId: input.peerId, grpcAddress: input.grpcAddress, files: input.files.length }, 'peer registered')
      return lease(input.peerId)
    },

    async heartbeat (peerId, input) {
      await requireLivePeer(peerId)
      const updated = await store.updatePeer(peerId, { freeBytes: input.freeBytes, activeTransfers: input.activeTransfers, lastSeenAt: now() })
      if (!updated) throw new PeerUnknownError(peerId)
      return lease(peerId)
    },

    async announce (peerId, input) {
      await requireLivePeer(peerId)
      // Announcing the same content again keeps its original date; new content under the name is new.
      const previous = (await store.listHoldings({ seenAfter: expiryCutoff(), name: input.name }))
        .find((holding) => holding.peerId === peerId && holding.sha256 === input.sha256 && holding.size === input.size)
      const at = now()
      const added = await store.addHolding(
        { peerId, name: input.name, size: input.size, sha256: input.sha256, announcedAt: previous?.announcedAt ?? at },
        { freeBytes: input.freeBytes, lastSeenAt: at })
      if (!added) throw new PeerUnknownError(peerId)
    },

    async leave (peerId) {
      await removePeer(peerId, 'left')
    },

    async listPeers () {
      return (await livePeers()).map(toPeerView)
    },

    listFiles,

    async locate (name) {
      const cutoff = expiryCutoff()
      const holdings = await store.listHoldings({ seenAfter: cutoff, name })
      const peers = await Promise.all(holdings.map(async (holding) => await store.getPeer(holding.peerId)))
      const live = peers.filter((peer): peer is PeerRecord => peer != null && peer.lastSeenAt > cutoff)
      const view = buildFileViews(holdings, new Map(live.map((peer) => [peer.peerId, peer])))[0]
      if (view == null) throw new FileNotFoundError(name)
      return view
    },

    // With the memory store every await below settles in the same tick, so two placements cannot
    // interleave; a shared store must make this read-choose-reserve step atomic (e.g. a Lua script).
    async place ({ name, size }) {
      const at = now()
      const cutoff = at - expiresAfterMs
      if ((await store.listHoldings({ seenAfter: cutoff, name })).length > 0) throw new FileExistsError(name)
      const [peers, reservations] = await Promise.all([store.listPeers({ seenAfter: cutoff }), store.listReservations(at)])
      const peer = choosePlacementPeer(peers, reservations, size)
      if (peer == null) throw new NoRoomError(size)
      await store.addReservation({ peerId: peer.peerId, name, size, expiresAt: at + reservationTtlMs })
      return { name, size, peerId: peer.peerId, grpcAddress: peer.grpcAddress }
    },

    async health () {
      const [peers, files] = await Promise.all([livePeers(), listFiles()])
      return { status: 'ok', peers: peers.length, files: files.length }
    },

    async sweep () {
      const cutoff = expiryCutoff()
      const expired = await store.listPeerIdsNotSeenAfter(cutoff)
      let removed = 0
      for (const peerId of expired) {
        if (await removePeer(peerId, 'expired', cutoff)) removed++
      }
      return removed
    }
  }
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
