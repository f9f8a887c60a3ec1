// The directory's operations: peers join, heartbeat, announce and leave; clients list, locate and place.
// All state lives in the DirectoryStore and every time comes from the injected clock, so replicas and
// tests agree on it. A peer not seen for EXPIRY_INTERVALS heartbeat intervals is gone: reads filter it
// out at once, and the sweep removes it through the same path as a leave, so nothing drifts.
// Each file is kept at `replicationFactor` live copies: the answer to a heartbeat tells that peer
// which copies to make (replication.ts), and the catalog remembers files whose last holder is gone.
import type {
  announceFileBodySchema, FileView, HealthResponse, heartbeatBodySchema, Lease, LostFile, PeerView, Placement,
  PlacementBody, registerPeerBodySchema, ReplicationReport
} from '@p2p/proto'
import type { FastifyBaseLogger } from 'fastify'
import type { z } from 'zod'
import { FileExistsError, FileLostError, FileNotFoundError, NameUploadingError, NoRoomError, PeerUnknownError, ValidationError } from '../errors.js'
import type { CatalogRecord, DirectoryStore, NameTaken, PeerRecord, PeerSummary } from '../store/directory-store.js'
import { buildFileViews, lostFileView } from './file-views.js'
import { choosePlacementPeer } from './placement.js'
import { planReplicasFor, sourcesOf } from './replication.js'
import type { ReplicaAssignment } from './replication.js'
import { compareStrings } from '../compare-strings.js'

/** A peer is expired after this many heartbeat intervals without being seen. */
export const EXPIRY_INTERVALS = 3
/**
 * How long a placement holds its name and room if its peer never says it is receiving the upload; a
 * peer's heartbeat renews the claims of the uploads it is receiving, however long they take.
 */
export const DEFAULT_RESERVATION_TTL_MS = 60_000
/**
 * A placement whose peer has not started receiving it this long after it was made is given up at the
 * peer's next heartbeat (the upload failed or never came), so its name is free again well before its TTL.
 */
export const UPLOAD_START_GRACE_MS = 10_000
/** Placements tried when another placement takes the chosen peer's last room in between. */
const PLACEMENT_ATTEMPTS = 3
/** Copies of each file the central keeps when not configured otherwise. */
export const DEFAULT_REPLICATION_FACTOR = 2
/**
 * An ordered copy holds its room this many heartbeat intervals past the last heartbeat that said it is
 * still being made, so a peer that dies mid-copy frees the order for another peer.
 */
const COPY_ORDER_INTERVALS = 2 * EXPIRY_INTERVALS

export type RegisterPeerInput = z.output<typeof registerPeerBodySchema>
export type HeartbeatInput = z.output<typeof heartbeatBodySchema>
export type AnnounceFileInput = z.output<typeof announceFileBodySchema>
export type LeaseTerms = Omit<Lease, 'replicate'>

/** A heartbeat's answer before tickets are signed: the lease, and the copies this peer should make. */
export interface HeartbeatAnswer {
  lease: LeaseTerms
  replicate: ReplicaAssignment[]
}

export interface Directory {
  register: (input: RegisterPeerInput) => Promise<LeaseTerms>
  /** Throws PeerUnknownError when the peer is unknown or expired: it must register again. */
  heartbeat: (peerId: string, input: HeartbeatInput) => Promise<HeartbeatAnswer>
  announce: (peerId: string, input: AnnounceFileInput) => Promise<void>
  /** Idempotent: leaving twice, or after expiry, is not an error. */
  leave: (peerId: string) => Promise<void>
  listPeers: () => Promise<PeerView[]>
  listFiles: () => Promise<FileView[]>
  /** Throws FileLostError for a known file no live peer holds, FileNotFoundError for an unknown one. */
  locate: (name: string) => Promise<FileView>
  place: (input: PlacementBody) => Promise<Placement>
  health: () => Promise<HealthResponse>
  replication: () => Promise<ReplicationReport>
  /**
   * Orders a copy of `name` onto `peerId` (a peer keeping what its user downloaded), delivered with its
   * next heartbeat; 'held' when it has the file already. Throws FileNotFound/FileLost, PeerUnknown, NoRoom.
   */
  requestCopy: (peerId: string, name: string) => Promise<'ordered' | 'held'>
  /** Removes every expired peer; answers how many were removed. */
  sweep: () => Promise<number>
}

export interface DirectoryComponents {
  store: DirectoryStore
  now: () => number
  heartbeatIntervalMs: number
  reservationTtlMs?: number
  /** Live copies to keep of each file; default DEFAULT_REPLICATION_FACTOR. */
  replicationFactor?: number
  log: Pick<FastifyBaseLogger, 'info' | 'warn'>
}

export function createDirectory (components: DirectoryComponents): Directory {
  const { store, now, heartbeatIntervalMs, log } = components
  const reservationTtlMs = components.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS
  const replicationFactor = components.replicationFactor ?? DEFAULT_REPLICATION_FACTOR
  const expiresAfterMs = EXPIRY_INTERVALS * heartbeatIntervalMs
  /** Peers last seen at or before this instant are expired. */
  const expiryCutoff = (): number => now() - expiresAfterMs
  const lease = (peerId: string): LeaseTerms => ({ peerId, heartbeatIntervalMs, expiresAfterMs })

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

  /** Files with at least one live copy, and the catalog's files that have none. */
  async function listLiveAndLost (): Promise<{ live: FileView[], lost: CatalogRecord[] }> {
    const cutoff = expiryCutoff()
    const [peers, holdings, catalog] = await Promise.all([
      store.listPeers({ seenAfter: cutoff }), store.listHoldings({ seenAfter: cutoff }), store.listCatalog()
    ])
    const live = buildFileViews(holdings, new Map(peers.map((peer) => [peer.peerId, peer])), byName(catalog), replicationFactor)
    const liveNames = new Set(live.map((file) => file.name))
    return { live, lost: catalog.filter((entry) => !liveNames.has(entry.name)) }
  }

  async function listFiles (): Promise<FileView[]> {
    const { live, lost } = await listLiveAndLost()
    return [...live, ...lost.map(lostFileView)].sort((a, b) => compareStrings(a.name, b.name))
  }

  async function locate (name: string): Promise<FileView> {
    const cutoff = expiryCutoff()
    const [holdings, entry] = await Promise.all([store.listHoldings({ seenAfter: cutoff, name }), store.getCatalogEntry(name)])
    const peers = await Promise.all(holdings.map(async (holding) => await store.getPeer(holding.peerId)))
    const live = peers.filter((peer): peer is PeerRecord => peer != null && peer.lastSeenAt > cutoff)
    const catalog = new Map(entry == null ? [] : [[name, entry]])
    const view = buildFileViews(holdings, new Map(live.map((peer) => [peer.peerId, peer])), catalog, replicationFactor)[0]
    if (view != null) return view
    if (entry != null) throw new FileLostError(name)
    throw new FileNotFoundError(name)
  }

  function toLostFile (entry: CatalogRecord): LostFile {
    return { name: entry.name, size: entry.size, sha256: entry.sha256, addedAt: new Date(entry.addedAt).toISOString() }
  }

  /**
   * Settles the copies this peer was ordered to make (kept while it says it is still making them,
   * forgotten once it no longer does) and orders new ones where files are short of copies.
   */
  async function copiesFor (peerId: string, stillMaking: readonly string[]): Promise<ReplicaAssignment[]> {
    const at = now()
    const cutoff = at - expiresAfterMs
    const keepUntil = at + COPY_ORDER_INTERVALS * heartbeatIntervalMs
    const [peers, holdings, catalog] = await Promise.all([
      store.listPeers({ seenAfter: cutoff }), store.listHoldings({ seenAfter: cutoff }), store.listCatalog()
    ])
    const live = new Map(peers.map((peer) => [peer.peerId, peer]))
    const files = buildFileViews(holdings, live, byName(catalog), replicationFactor)
    const filesByName = byName(files)
    const orderCopy = async (copy: { name: string, size: number, sha256: string }): Promise<void> => {
      await store.addReservation({ kind: 'replica', delivered: true, peerId, name: copy.name, size: copy.size, sha256: copy.sha256, expiresAt: keepUntil })
    }

    const making = new Set(stillMaking)
    /** Orders made since the last heartbeat (copies the peer asked for), to go out now. */
    const waiting: string[] = []
    for (const reservation of await store.listReservations(at)) {
      if (reservation.peerId !== peerId) continue
      making.delete(reservation.name)
      if (reservation.kind !== 'replica') continue
      if (!reservation.delivered) waiting.push(reservation.name)
      else if (stillMaking.includes(reservation.name)) await store.addReservation({ ...reservation, expiresAt: keepUntil })
      else await store.removeReservation(peerId, reservation.name)
    }
    // Copies the peer reports that this central never ordered (it restarted since): counted as under
    // way, so the same copy is not ordered from another peer as well.
    for (const name of making) {
      const file = filesByName.get(name)
      if (file != null) await orderCopy(file)
    }

    // An expired peer's orders die with it, even before the sweep removes it.
    const running = (await store.listReservations(at)).filter((reservation) => live.has(reservation.peerId))
    const asked = waiting.flatMap((name) => {
      const file = filesByName.get(name)
      return file == null ? [] : [{ name, size: file.size, sha256: file.sha256, sources: sourcesOf(file) }]
    })
    const assignments = [...asked, ...planReplicasFor({ peerId, livePeers: peers, files, holdings, reservations: running, replicationFactor })]
    for (const copy of assignments) {
      await orderCopy(copy)
      log.info({ peerId, file: copy.name, size: copy.size, sources: copy.sources.map((source) => source.peerId) }, 'copy ordered')
    }
    // An asked-for copy whose file has gone meanwhile is forgotten.
    for (const name of waiting) if (!filesByName.has(name)) await store.removeReservation(peerId, name)
    return assignments
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
      await store.recordInCatalog(input.files.map((file) => ({ name: file.name, size: file.size, sha256: file.sha256, addedAt: at })))
      log.info({ peerId: input.peerId, grpcAddress: input.grpcAddress, files: input.files.length }, 'peer registered')
      return lease(input.peerId)
    },

    async heartbeat (peerId, input) {
      await requireLivePeer(peerId)
      const at = now()
      const updated = await store.updatePeer(peerId, { freeBytes: input.freeBytes, activeTransfers: input.activeTransfers, lastSeenAt: at })
      if (!updated) throw new PeerUnknownError(peerId)
      // Uploads keep their name for as long as they run, however long that is; a failed one frees it.
      await store.renewUploadClaims(peerId, input.uploading, { at, expiresAt: at + reservationTtlMs, forgetPlacedBefore: at - UPLOAD_START_GRACE_MS })
      return { lease: lease(peerId), replicate: await copiesFor(peerId, input.replicating) }
    },

    async announce (peerId, input) {
      await requireLivePeer(peerId)
      // Announcing the same content again keeps its original date; new content under the name is new.
      const previous = (await store.listHoldings({ seenAfter: expiryCutoff(), name: input.name }))
        .find((holding) => holding.peerId === peerId && holding.sha256 === input.sha256 && holding.size === input.size)
      const at = now()
      // The store refuses, atomically, a name that belongs to another content or another upload; an
      // announce under the peer's own claim makes its content what the name stands for (an upload of a
      // lost name replaces it).
      const outcome = await store.addHolding(
        { peerId, name: input.name, size: input.size, sha256: input.sha256, announcedAt: previous?.announcedAt ?? at },
        { freeBytes: input.freeBytes, lastSeenAt: at },
        { seenAfter: at - expiresAfterMs })
      if (outcome === 'unknown-peer') throw new PeerUnknownError(peerId)
      if (outcome !== 'added') {
        log.warn({ peerId, file: input.name, sha256: input.sha256, reason: outcome }, 'announce refused: the name belongs to another content')
        throw nameTakenError(outcome, input.name)
      }
    },

    async leave (peerId) {
      await removePeer(peerId, 'left')
    },

    async listPeers () {
      return (await livePeers()).map(toPeerView)
    },

    listFiles,

    locate,

    // Choosing the peer reads a snapshot; the store's reserveUpload then claims the name and the room in
    // one atomic step, so of uploads racing for one name exactly one is placed (the others get 409 before
    // any byte is sent), and a placement that lost the chosen peer's room to another is tried again.
    async place ({ name, size }) {
      for (let attempt = 1; ; attempt++) {
        const at = now()
        const cutoff = at - expiresAfterMs
        const [livePeers, reservations, holdings] = await Promise.all([
          store.listPeers({ seenAfter: cutoff }), store.listReservations(at), store.listHoldings({ seenAfter: cutoff, name })
        ])
        // A peer holding other bytes under the name (not listed for it) cannot take the upload.
        const peers = livePeers.filter((candidate) => !holdings.some((holding) => holding.peerId === candidate.peerId))
        // With no peer seeming to have room the claim is still tried (on the peer with the most room), so
        // a taken name is reported as taken rather than as no room, and room freed meanwhile is used.
        const peer = choosePlacementPeer(peers, reservations, size) ?? choosePlacementPeer(peers, reservations, 0)
        if (peer == null) throw new NoRoomError(size)
        const outcome = await store.reserveUpload(
          { kind: 'upload', peerId: peer.peerId, name, size, placedAt: at, started: false, expiresAt: at + reservationTtlMs }, { seenAfter: cutoff })
        if (outcome === 'reserved') return { name, size, peerId: peer.peerId, grpcAddress: peer.grpcAddress }
        if (outcome !== 'no-room') throw nameTakenError(outcome, name)
        if (attempt >= PLACEMENT_ATTEMPTS) throw new NoRoomError(size)
      }
    },

    async health () {
      const [peers, { live, lost }] = await Promise.all([livePeers(), listLiveAndLost()])
      const underReplicated = live.filter((file) => file.status === 'under-replicated').length
      return { status: 'ok', peers: peers.length, files: live.length, replicationFactor, underReplicated, lost: lost.length }
    },

    async replication () {
      const [{ live, lost }, reservations] = await Promise.all([listLiveAndLost(), store.listReservations(now())])
      return {
        replicationFactor,
        files: live.length,
        underReplicated: live.filter((file) => file.status === 'under-replicated'),
        lost: lost.map(toLostFile),
        copiesInProgress: reservations.filter((reservation) => reservation.kind === 'replica').length
      }
    },

    async requestCopy (peerId, name) {
      const peer = await requireLivePeer(peerId)
      const file = await locate(name)
      if (file.holders.some((holder) => holder.peerId === peerId)) return 'held'
      const at = now()
      const reservations = await store.listReservations(at)
      if (reservations.some((reservation) => reservation.peerId === peerId && reservation.name === name && reservation.kind === 'replica')) return 'ordered'
      const reserved = reservations.filter((reservation) => reservation.peerId === peerId).reduce((sum, reservation) => sum + reservation.size, 0)
      if (peer.freeBytes - reserved < file.size) throw new NoRoomError(file.size)
      await store.addReservation({
        kind: 'replica', delivered: false, peerId, name, size: file.size, sha256: file.sha256, expiresAt: at + COPY_ORDER_INTERVALS * heartbeatIntervalMs
      })
      return 'ordered'
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

function nameTakenError (reason: NameTaken, name: string): Error {
  return reason === 'name-uploading' ? new NameUploadingError(name) : new FileExistsError(name)
}

function byName<T extends { name: string }> (entries: readonly T[]): Map<string, T> {
  return new Map(entries.map((entry) => [entry.name, entry]))
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
