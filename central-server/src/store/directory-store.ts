// What every directory store must do. Each method is one atomic step (a Redis store makes each one
// command or one Lua script) and costs what its answer costs, or O(log n), never the whole directory:
// the store keeps the indexes below up to date as peers, holdings and reservations change, so no
// question has to read everything. Every store passes test/store/directory-store-contract.ts.
//
// The layout a Redis store is meant to keep (the memory store keeps the same indexes in Maps and its
// SortedSet, src/store/memory/):
//   peer:{id}            hash: the PeerRecord, plus reservedBytes and copyOrders (its running replica orders)
//   peers:seen           zset peerId by lastSeenAt                      expiry is a range query, liveness counts
//   peers:ids            zset peerId, score 0 (by id)                   GET /peers pages with ZRANGE BYLEX
//   peers:room           zset peerId by -(freeBytes - reservedBytes)    placement: ZRANGE 0 k is most room first
//   peers:copy-room      the same, only peers with a free copy slot     a copy order's spread: ZRANK
//   files:{id}           hash name -> HoldingRecord                     a peer's files
//   holders:{name}       set of peerIds holding the name (any content)  locate is O(holders)
//   catalog              hash name -> CatalogRecord
//   catalog:names        zset name, score 0 (by name)                   GET /files pages with ZRANGE BYLEX
//   catalog:folded       hash name -> name.toLowerCase(), where it differs  the `q` filter (Lua cannot fold Unicode)
//   catalog:copies       zset name by copies of its catalog content     /health, /replication (every catalog name)
//   copy-queue           zset name by copies + copies ordered           the files short of copies (>= 1 copy)
//   catalog:ordered      hash name -> copies ordered                    running replica reservations of the name
//   res:{id}             hash name -> ReservationRecord                 a peer's reservations
//   res-names:{name}     set of peerIds with a reservation for the name claims and orders by name
//   res-expiry           zset "{id}/{name}" by expiresAt                expired reservations, a range query
//   counters             hash: copiesOrdered, uploadsPlaced, holdings
//   tombstones           hash name -> TombstoneRecord                   deleted files (tombstones.ts)
//   tombstone-expiry     zset name by expiresAt                         tombstones over, a range query
//   deletes:{id}         hash name -> sha256                            a peer's delete orders, until it confirms
// (No fixed key shares its stem with a peer's or a name's key: a peer may be called "copies" or "expiry".
// src/store/redis/keys.ts has the layout as built, and records.ts there how each value is written.)
// "Copies" in catalog:copies and copy-queue count holders still in the store: a peer expired for reads
// (silent EXPIRY_INTERVALS) but not yet swept still counts until the sweep (every heartbeat interval)
// removes it. Answers that name holders filter them by lastSeenAt at read time, so those are exact at once.
import type {
  DeleteOrderRecord, DirectoryCounts, FilePage, FileRecord, HoldingRecord, Liveness, NameTaken, PeerRecord, PeerRoom, PeerStatus, PeerSummary,
  ReservationRecord, TombstoneRecord, UploadReservation
} from './records.js'

export type * from './records.js'

/**
 * Membership and expiry. Liveness filters: `seenAfter` keeps the peers whose lastSeenAt is strictly
 * greater (the live ones); `notSeenAfter` keeps those whose lastSeenAt is at most the cutoff (expired).
 */
export interface PeerStore {
  /**
   * Replaces the peer's whole record and file set, drops its reservations for the names it now holds,
   * and records in the catalog each name the catalog does not know (addedAt: the holding's
   * announcedAt); a known name keeps its content. O(files of the peer, old and new).
   */
  putPeer: (peer: PeerRecord, holdings: readonly Omit<HoldingRecord, 'peerId'>[]) => Promise<void>
  /** Updates a known peer's status (peer:{id}, peers:seen, peers:room); false (and no change) when unknown. */
  updatePeer: (peerId: string, status: PeerStatus) => Promise<boolean>
  /**
   * Removes the peer, its files and its reservations; false when there was nothing to remove. With
   * `notSeenAfter`, removes only if the peer is still unseen since that cutoff, so an expiry never
   * races away a peer that heartbeated meanwhile. O(files and reservations of the peer).
   */
  removePeer: (peerId: string, options?: { notSeenAfter?: number }) => Promise<boolean>
  getPeer: (peerId: string) => Promise<PeerRecord | null>
  /** Ids of the peers not seen after the cutoff (the sweep's work list): ZRANGE peers:seen -inf cutoff BYSCORE. */
  listPeerIdsNotSeenAfter: (cutoff: number) => Promise<string[]>
  /**
   * Up to `limit` live peers by peerId, after `after` (exclusive) when given: peers:ids walked from
   * `after`, skipping expired peers not swept yet. O(limit + those skipped).
   */
  pagePeers: (page: { seenAfter: number, after?: string, limit: number }) => Promise<PeerSummary[]>
  /**
   * Up to `limit` live peers with the most unreserved room (free bytes less running reservations at
   * `at`), most first, ties by peerId, passing over peers that hold `exceptHoldersOf` (any content):
   * peers:room from its start, skipping expired peers not swept yet. O(limit + holders + those skipped).
   */
  listRoomiestPeers: (query: { at: number, seenAfter: number, exceptHoldersOf: string, limit: number }) => Promise<PeerRoom[]>
}

/** The catalog: which peer holds what under each name, and what each name stands for. */
export interface HoldingStore {
  /**
   * Adds one file to a known peer (replacing its file of the same name), updates its status, drops its
   * reservation for that name and makes this content what the name stands for in the catalog (the same
   * content keeps its addedAt, and a peer announcing again what it holds keeps its announcedAt).
   * Atomically refused, changing nothing, when the name belongs to someone else: without an upload
   * claim of its own, the peer may not announce a name that another peer is uploading, nor other
   * content under a name whose catalog content a live peer holds. An announce under the peer's own
   * claim wins: the claim was given when the name was free. O(holders and reservations of the name).
   */
  addHolding: (holding: HoldingRecord, status: Omit<PeerStatus, 'activeTransfers'>, liveness: Liveness) =>
  Promise<'added' | 'unknown-peer' | 'deleted' | NameTaken>
  /** The catalog entry of `name` with its live holders (of its content only); null when the catalog does not know it. O(holders). */
  getFile: (name: string, liveness: Liveness) => Promise<FileRecord | null>
  /**
   * A page of the catalog by name (lost files too), after `after` (exclusive) when given: catalog:names
   * walked from `after`, keeping the names whose lower-cased form contains every one of `words` (given
   * lower-cased; none: every name). Stops when `limit` files are found or `scanLimit` names were read,
   * whichever comes first, so a rare filter costs at most `scanLimit`; `resumeAfter` is the last name
   * read, or null when the catalog has no name after it. O(names read + holders of the files answered).
   */
  pageFiles: (page: { seenAfter: number, after?: string, limit: number, words: readonly string[], scanLimit: number }) => Promise<FilePage>
  /**
   * Up to `limit` catalog files whose copy count (catalog:copies) is from `min` to `max`, fewest copies
   * first, then by name, with their live holders: ZRANGE catalog:copies min max BYSCORE LIMIT 0 limit.
   */
  listFilesByCopies: (query: { min: number, max: number, seenAfter: number, limit: number }) => Promise<FileRecord[]>
}

/** Room set aside on peers: the name claims of placed uploads, and copy orders. */
export interface ReservationStore {
  /**
   * Sets aside room on a peer; a later reservation for the same peer and name replaces the earlier one.
   * Keeps res:{id}, res-names, res-expiry, the peer's reservedBytes and room, and for a replica the
   * name's copies ordered (catalog:ordered, copy-queue) and the peer's copy slots.
   */
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
   * `forgetPlacedBefore` (the sender never came). O(reservations of the peer).
   */
  renewUploadClaims: (peerId: string, receiving: readonly string[], options: { at: number, expiresAt: number, forgetPlacedBefore: number }) => Promise<void>
  /** The peer's reservations still running at `at` (HGETALL res:{id}). O(reservations of the peer). */
  listPeerReservations: (peerId: string, at: number) => Promise<ReservationRecord[]>
  /** Drops the peer's reservation for `name`, if any. */
  removeReservation: (peerId: string, name: string) => Promise<void>
  /**
   * Gives a live peer new copy orders, in one atomic step so that an order is given out once, and
   * answers them (each file with its live holders, the order's sources). The queue is copy-queue:
   * files with a copy whose copies plus copies ordered are fewer than `replicationFactor`, fewest first,
   * then by name. Of its first `lookAhead` entries, in order, the peer takes a file unless: it holds the
   * name (any content) or has a reservation for it; the file is larger than its unreserved room; no
   * holder is live; or it is not among the `missing` (factor less copies and orders) peers with a free
   * copy slot that have the most room, not counting the file's holders and peers with a reservation for
   * it (ZRANK in peers:copy-room, ties by peerId), so copies spread by free space. It stops when its
   * copy slots (MAX_REPLICATIONS_PER_PEER less its running replica orders) are full. Each order is a
   * delivered replica reservation until `expiresAt`. O(lookAhead x (log n + holders of a file)).
   */
  takeCopyOrders: (peerId: string, order: { at: number, seenAfter: number, replicationFactor: number, expiresAt: number, lookAhead: number }) =>
  Promise<FileRecord[]>
}

/**
 * Deleted files. A tombstone (name, content) refuses that content under that name until it expires: a
 * registration listing it records the holding but not the catalog entry, and orders its delete; an
 * announce of it without the peer's own upload claim is refused ('deleted') and ordered deleted. An
 * announce under the peer's own upload claim is the name shared again: it lifts the tombstone.
 * A tombstone over at a method's `at` counts as none.
 */
export interface TombstoneStore {
  /**
   * Deletes the file, atomically, if the catalog's content under `name` is still `sha256`: records the
   * tombstone, takes the name out of the catalog (and so out of every listing, locate and copy order),
   * orders every holder of that content and every peer ordered to copy it (dropping that order) to delete
   * it. 'unknown' when the catalog does not know the name, 'changed' when it stands for other content.
   * O(holders and reservations of the name).
   */
  deleteFile: (tombstone: TombstoneRecord) => Promise<'deleted' | 'unknown' | 'changed'>
  /** The name's tombstone still running at `at`, or null. */
  getTombstone: (name: string, at: number) => Promise<TombstoneRecord | null>
  /**
   * Settles the peer's delete orders: those named in `confirmed` are done (its holding of that content
   * goes, its copies move), and the rest, up to `limit`, are answered, to be sent again. O(orders of the peer).
   */
  takeDeleteOrders: (peerId: string, confirmed: readonly string[], limit: number) => Promise<DeleteOrderRecord[]>
  /** Forgets the tombstones over at `at`; answers how many. O(those forgotten + log n). */
  forgetTombstones: (at: number) => Promise<number>
}

/** Everything the directory keeps, in groups that follow its operations (src/directory/). */
export interface DirectoryStore extends PeerStore, HoldingStore, ReservationStore, TombstoneStore {
  /**
   * The counts of /health and /replication, from index sizes and counters (ZCOUNT peers:seen, ZCOUNT
   * catalog:copies, counters), after forgetting the reservations over at `at`. O(log n).
   */
  countDirectory: (query: { at: number, seenAfter: number, replicationFactor: number }) => Promise<DirectoryCounts>
  /** Releases whatever the store holds (connections); the memory store has nothing to release. */
  close: () => Promise<void>
}
