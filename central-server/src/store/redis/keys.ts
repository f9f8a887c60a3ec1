// Every key the Redis directory store uses, named in one place (lua/lib.lua names the same keys for the
// scripts, and a test checks that the two agree). Every key starts with the store's prefix, so several
// directories, or tests, can share one Redis. Peer ids never contain '/' (proto's peerIdSchema), so a
// `peerId/name` member splits at its first '/'.
//
//   peer:<peerId>           hash   the PeerRecord's fields
//   peers:seen              zset   peerId scored by lastSeenAt: live peers and expiry are range queries
//   peers:free              zset   peerId scored by freeBytes: placement looks at the roomiest first
//   peers:ids               zset   peerId, all scored 0: peers in id order, for paged listings
//   files:<peerId>          hash   name -> JSON {size, sha256, announcedAt}: what a peer holds
//   holders:<name>          set    peerIds holding a file of that name: locating costs O(holders)
//   catalog                 hash   name -> JSON {size, sha256, addedAt}: what each name stands for
//   catalog:names           zset   names, all scored 0: the catalog in name order, for paged listings
//   reservation:<peerId>/<name>  hash  a ReservationRecord's fields
//   reserved:<peerId>       zset   names reserved on a peer, scored by expiresAt: its reserved bytes
//   reservations            zset   `peerId/name` scored by expiresAt: the running ones, and the expired to forget
//   claims:<name>           zset   peerIds with an upload claim on the name, scored by expiresAt
//
// Times are the caller's (a store never reads a clock), so nothing expires by a Redis TTL: a sorted set
// scored by expiresAt answers "still running at `at`" with a range query, and the expired are dropped
// when met (listReservations forgets them).

export const DEFAULT_KEY_PREFIX = 'p2p:'

export interface RedisKeys {
  prefix: string
  peer: (peerId: string) => string
  peersSeen: string
  peersFree: string
  peerIds: string
  files: (peerId: string) => string
  holders: (name: string) => string
  catalog: string
  catalogNames: string
  reservation: (peerId: string, name: string) => string
  reserved: (peerId: string) => string
  reservations: string
  claims: (name: string) => string
}

export function redisKeys (prefix = DEFAULT_KEY_PREFIX): RedisKeys {
  return {
    prefix,
    peer: (peerId) => `${prefix}peer:${peerId}`,
    peersSeen: `${prefix}peers:seen`,
    peersFree: `${prefix}peers:free`,
    peerIds: `${prefix}peers:ids`,
    files: (peerId) => `${prefix}files:${peerId}`,
    holders: (name) => `${prefix}holders:${name}`,
    catalog: `${prefix}catalog`,
    catalogNames: `${prefix}catalog:names`,
    reservation: (peerId, name) => `${prefix}reservation:${peerId}/${name}`,
    reserved: (peerId) => `${prefix}reserved:${peerId}`,
    reservations: `${prefix}reservations`,
    claims: (name) => `${prefix}claims:${name}`
  }
}
