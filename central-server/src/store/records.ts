// The records a DirectoryStore keeps and answers with (store/directory-store.ts says what it does with
// them). Every record is plain data, so a store may live in another process. Times are epoch
// milliseconds passed in by the caller: a store never reads a clock, so every replica and every test
// agrees on what "now" is.

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

/** A placement candidate: a peer and its unreserved room (free bytes less its running reservations). */
export interface PeerRoom {
  peer: PeerRecord
  room: number
}

/** One file held by one peer. A peer holds at most one file per name. */
export interface HoldingRecord {
  peerId: string
  name: string
  size: number
  sha256: string
  /** The SHA-256 of the content's piece table, as the peer announced it (absent: it did not). */
  piecesSha256?: string
  announcedAt: number
}

/**
 * Room set aside on a peer for a file the central sent there, until the file is announced or
 * `expiresAt`: an upload it placed, or a copy it ordered (replica, which also names the content).
 * A reservation whose expiresAt is at or before a method's `at` is over for that method: it holds no
 * room, claims no name and counts as no copy (stores forget it then).
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
  /**
   * The SHA-256 of the content's piece table, from the holding that made this content what the name
   * stands for (the upload's own pserver, in the usual case); a later holding of the same content never
   * changes it. Absent when that holding carried none.
   */
  piecesSha256?: string
  /** When this content was first announced under this name. */
  addedAt: number
}

/** A live peer holding a file's catalog content, and when it announced it there. */
export interface FileHolder extends PeerRecord {
  announcedAt: number
}

/** A catalog entry with the live peers that hold its content, in no particular order (none: it is lost). */
export interface FileRecord extends CatalogRecord {
  holders: FileHolder[]
}

/** A page of the catalog: its files, and the name after which the next page starts (null: no more). */
export interface FilePage {
  files: FileRecord[]
  resumeAfter: string | null
}

/**
 * The directory's size, from counters and index cardinalities, never by reading it all. `peers` is
 * exact at once; the file counts follow holders' removals (a peer expired but not yet swept still
 * counts as a copy until the sweep removes it).
 */
export interface DirectoryCounts {
  /** Live peers. */
  peers: number
  /** Catalog files with at least one copy. */
  files: number
  /** Files with at least one copy and fewer than the replication factor. */
  underReplicated: number
  /** Catalog files with no copy. */
  lost: number
  /** Running copy orders (replica reservations). */
  copiesOrdered: number
  /** Running upload claims (upload reservations). */
  uploadsPlaced: number
  /** Files held, one per peer and name (what peers announced), expired peers not swept yet included. */
  holdings: number
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
 * A deleted file: the name, the content deleted under it, and until when the directory keeps refusing
 * that content under that name (a holder away during the delete may come back with it).
 */
export interface TombstoneRecord {
  name: string
  sha256: string
  deletedAt: number
  expiresAt: number
}

/** A peer is to delete its file `name` if that name still refers to `sha256`. */
export interface DeleteOrderRecord {
  name: string
  sha256: string
}
