// Where the directory keeps its soft state. Every method is async and every record is plain data, so an
// implementation may live in another process (Redis: peers as hashes scored by lastSeenAt, holdings as
// sets, reservations as keys with a TTL). Times are epoch milliseconds passed in by the caller: a store
// never reads a clock, so every replica and every test agrees on what "now" is.

export interface PeerRecord {
  peerId: string
  grpcAddress: string
  capacityBytes: number
  freeBytes: number
  activeTransfers: number
  registeredAt: number
  lastSeenAt: number
}

/** A peer as listed: its record plus how many files it holds. */
export interface PeerSummary extends PeerRecord {
  fileCount: number
}

/** One file held by one peer. A peer holds at most one file per name. */
export interface HoldingRecord {
  peerId: string
  name: string
  size: number
  sha256: string
  announcedAt: number
}

/**
 * Room set aside on a peer for a file the central sent there, until the file is announced or
 * `expiresAt`: an upload it placed, or a copy it ordered (replica, which also names the content).
 */
export type ReservationRecord = {
  peerId: string
  name: string
  size: number
  expiresAt: number
} & ({
  kind: 'upload'
  /** When the placement was made: a claim its peer has not started receiving for a while is stale. */
  placedAt: number
  /** Whether the peer has reported receiving it: once it no longer does, the upload is over. */
  started: boolean
} | {
  kind: 'replica'
  sha256: string
  /** False until the order has gone out in an answer to the peer's heartbeat. */
  delivered: boolean
})

export type UploadReservation = Extract<ReservationRecord, { kind: 'upload' }>

/**
 * Why a name cannot be given to an upload: a live peer holds the content the name stands for, or
 * another upload under that name is under way (a name belongs to one content, so the first claim wins).
 */
export type NameTaken = 'name-held' | 'name-uploading'

/** A file the directory has known, kept after its last holder is gone so it can be reported lost. */
export interface CatalogRecord {
  name: string
  size: number
  sha256: string
  /** When this content was first announced under this name. */
  addedAt: number
}

/** The options of the operations that must tell live peers from expired ones. */
export interface Liveness {
  /** Peers whose lastSeenAt is at most this are expired. */
  seenAfter: number
}

export interface PeerStatus {
  freeBytes: number
  activeTransfers: number
  lastSeenAt: number
}

/**
 * Membership and expiry: a peer's record, replaced whole by a registration, renewed by heartbeats, removed
 * by a leave or an expiry. Liveness filters: `seenAfter` keeps the peers whose lastSeenAt is strictly
 * greater (the live ones); `notSeenAfter` keeps those whose lastSeenAt is at most the cutoff (the expired ones).
 */
export interface PeerStore {
  /** Replaces the peer's whole record and file set (and drops reservations for the names it now holds). */
  putPeer: (peer: PeerRecord, holdings: readonly Omit<HoldingRecord, 'peerId'>[]) => Promise<void>
  /** Updates a known peer's status; false (and no change) when the peer is unknown. */
  updatePeer: (peerId: string, status: PeerStatus) => Promise<boolean>
  /**
   * Removes the peer, its files and its reservations; false when there was nothing to remove. With
   * `notSeenAfter`, removes only if the peer is still unseen since that cutoff, so an expiry never
   * races away a peer that heartbeated meanwhile.
   */
  removePeer: (peerId: string, options?: { notSeenAfter?: number }) => Promise<boolean>
  getPeer: (peerId: string) => Promise<PeerRecord | null>
  /** Peers sorted by peerId; every stored peer when `seenAfter` is omitted. */
  listPeers: (filter?: { seenAfter?: number }) => Promise<PeerSummary[]>
  /** Ids of the peers not seen after the cutoff (the sweep's work list). */
  listPeerIdsNotSeenAfter: (cutoff: number) => Promise<string[]>
}

/** The catalog: which peer holds what under each name, and what each name stands for. */
export interface HoldingStore {
  /**
   * Adds one file to a known peer (replacing its file of the same name), updates its status, drops its
   * reservation for that name and makes this content what the name stands for in the catalog (the same
   * content keeps its addedAt). Atomically refused, changing nothing, when the name belongs to someone
   * else: without an upload claim of its own, the peer may not announce a name that another peer is
   * uploading, nor other content under a name whose catalog content a live peer holds. An announce
   * under the peer's own claim wins: the claim was given when the name was free.
   */
  addHolding: (holding: HoldingRecord, status: Omit<PeerStatus, 'activeTransfers'>, liveness: Liveness) =>
  Promise<'added' | 'unknown-peer' | NameTaken>
  /** Files held by peers seen after `seenAfter`, optionally only those named `name`. */
  listHoldings: (filter: { seenAfter: number, name?: string }) => Promise<HoldingRecord[]>
  /**
   * Remembers what each name stands for, for names the catalog does not know yet (a registration);
   * a known name keeps its content: a peer holding other bytes under it is not listed for it.
   */
  recordInCatalog: (entries: readonly CatalogRecord[]) => Promise<void>
  /** Every catalog entry, sorted by name. */
  listCatalog: () => Promise<CatalogRecord[]>
  getCatalogEntry: (name: string) => Promise<CatalogRecord | null>
}

/** Room set aside on peers: the name claims of placed uploads, and copy orders. */
export interface ReservationStore {
  /** Sets aside room on a peer; a later reservation for the same peer and name replaces the earlier one. */
  addReservation: (reservation: ReservationRecord) => Promise<void>
  /**
   * Claims `name` for an upload and sets aside its room on its peer, in one atomic step, so of two
   * uploads racing for a name only one is placed, and no peer is promised more than its free bytes:
   * name-held when a live peer holds the content the name stands for (any content if the catalog does
   * not know the name), name-uploading when another upload's claim on the name is still running,
   * no-room when the peer cannot take it: not live, other bytes under that name already (a peer holds
   * one content per name), or its free bytes minus its running reservations too few.
   */
  reserveUpload: (reservation: UploadReservation, liveness: Liveness) => Promise<'reserved' | 'no-room' | NameTaken>
  /**
   * Settles a peer's upload claims from its heartbeat: those for names it is receiving now are marked
   * started and kept until `expiresAt`; those it is not receiving are dropped, which frees the name at
   * once, if they had started (the upload ended without an announce: it failed) or were placed before
   * `forgetPlacedBefore` (the sender never came).
   */
  renewUploadClaims: (peerId: string, receiving: readonly string[], options: { at: number, expiresAt: number, forgetPlacedBefore: number }) => Promise<void>
  /** Reservations still running at `at` (expiresAt > at); expired ones are forgotten. */
  listReservations: (at: number) => Promise<ReservationRecord[]>
  /** Drops the peer's reservation for `name`, if any. */
  removeReservation: (peerId: string, name: string) => Promise<void>
}

/**
 * Everything the directory keeps, in three groups that follow its operations (src/directory/). Each
 * method is one atomic step (a Redis store makes each with one command or one Lua script), and every
 * store passes the same contract suite (test/store/directory-store-contract.ts).
 */
export interface DirectoryStore extends PeerStore, HoldingStore, ReservationStore {
  /** Releases whatever the store holds (connections); the memory store has nothing to release. */
  close: () => Promise<void>
}
