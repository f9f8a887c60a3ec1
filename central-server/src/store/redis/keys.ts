// Every key the Redis directory store uses, named in one place (central-server/lua/lib.lua names the
// same keys for the scripts, and a test checks that the two agree). Every key starts with the store's
// prefix, so several directories, or tests, can share one Redis. The layout is the one store/directory-store.ts describes;
// records.ts says how each value is written.
//
//   peer:<peerId>         hash  the PeerRecord's fields, plus reservedBytes and copyOrders (absent at 0)
//   peers:seen            zset  peerId by lastSeenAt: expiry and liveness counts are range queries
//   peers:ids             zset  peerId, score 0: GET /peers pages with ZRANGE BYLEX
//   peers:room            zset  peerId by -(freeBytes - reservedBytes): placement reads the roomiest first
//   peers:copy-room       zset  the same, only peers with a free copy slot: a copy order's spread (ZRANK)
//   files:<peerId>        hash  name -> holding: what a peer holds
//   holders:<name>        set   peerIds holding the name (any content): a locate costs O(holders)
//   catalog               hash  name -> catalog entry: what each name stands for, kept after its holders go
//   catalog:names         zset  names, score 0: GET /files pages with ZRANGE BYLEX
//   catalog:folded        hash  name -> name.toLowerCase(), only where that differs (Lua cannot fold Unicode)
//   catalog:copies        zset  every catalog name by its copies: /health and /replication
//   copy-queue            zset  names with a copy by copies + copies ordered: the files short of copies
//   catalog:ordered       hash  name -> copies ordered (running replica reservations), absent at 0
//   res:<peerId>          hash  name -> reservation: a peer's reservations
//   res-names:<name>      set   peerIds with a reservation for the name: claims and orders by name
//   res-expiry            zset  `peerId/name` by expiresAt: the reservations over at `at`, a range query
//   counters              hash  copiesOrdered, uploadsPlaced, holdings (absent at 0)
//   tombstones            hash  name -> `sha256 deletedAt expiresAt`: deleted files
//   tombstone-expiry      zset  name by expiresAt: the tombstones over at `at`, a range query
//   deletes:<peerId>      hash  name -> sha256: a peer's delete orders, until it confirms them
//
// A key of a peer or a name never shares its stem with a fixed key (a peer may well be called `copies`
// or `expiry`). Peer ids never contain '/' (proto's peerIdSchema), so a `peerId/name` member splits at
// its first '/'.
// Times are the caller's (a store never reads a clock), so nothing expires by a Redis TTL: the scripts
// forget the reservations over at the `at` they are given, as the memory store does.

export const DEFAULT_KEY_PREFIX = 'p2p:'

export interface RedisKeys {
  prefix: string
  peer: (peerId: string) => string
  peersSeen: string
  peerIds: string
  peersRoom: string
  copyRoom: string
  files: (peerId: string) => string
  holders: (name: string) => string
  catalog: string
  catalogNames: string
  catalogFolded: string
  fileCopies: string
  copyQueue: string
  copiesOrdered: string
  reservations: (peerId: string) => string
  reservationsByName: (name: string) => string
  reservationExpiry: string
  counters: string
  tombstones: string
  tombstoneExpiry: string
  deleteOrders: (peerId: string) => string
}

export function redisKeys (prefix = DEFAULT_KEY_PREFIX): RedisKeys {
  return {
    prefix,
    peer: (peerId) => `${prefix}peer:${peerId}`,
    peersSeen: `${prefix}peers:seen`,
    peerIds: `${prefix}peers:ids`,
    peersRoom: `${prefix}peers:room`,
    copyRoom: `${prefix}peers:copy-room`,
    files: (peerId) => `${prefix}files:${peerId}`,
    holders: (name) => `${prefix}holders:${name}`,
    catalog: `${prefix}catalog`,
    catalogNames: `${prefix}catalog:names`,
    catalogFolded: `${prefix}catalog:folded`,
    fileCopies: `${prefix}catalog:copies`,
    copyQueue: `${prefix}copy-queue`,
    copiesOrdered: `${prefix}catalog:ordered`,
    reservations: (peerId) => `${prefix}res:${peerId}`,
    reservationsByName: (name) => `${prefix}res-names:${name}`,
    reservationExpiry: `${prefix}res-expiry`,
    counters: `${prefix}counters`,
    tombstones: `${prefix}tombstones`,
    tombstoneExpiry: `${prefix}tombstone-expiry`,
    deleteOrders: (peerId) => `${prefix}deletes:${peerId}`
  }
}
