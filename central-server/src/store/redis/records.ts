// How records are written into Redis and read back. A peer and a reservation are hashes of string fields
// (a script reads and rewrites single fields); a holding and a catalog entry are JSON strings in a hash
// of their own kind (a script only compares their content). Numbers go in as decimal strings, which
// Redis and Lua read exactly up to 2^53 (byte counts never exceed it).
import type { CatalogRecord, HoldingRecord, PeerRecord, PeerSummary, ReservationRecord } from '../directory-store.js'

/** Field/value pairs, flat, as HSET takes them and HGETALL answers inside a script. */
export type FlatPairs = string[]

export function toFields (flat: FlatPairs): Record<string, string> {
  const fields: Record<string, string> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!
  return fields
}

/** A number for a score or a range bound ('-inf' and '+inf' for the infinities, which Redis and Lua read). */
export function numberArg (value: number): string {
  return value === -Infinity ? '-inf' : value === Infinity ? '+inf' : String(value)
}

export function encodePeer (peer: PeerRecord): FlatPairs {
  return [
    'peerId', peer.peerId,
    'grpcAddress', peer.grpcAddress,
    'capacityBytes', numberArg(peer.capacityBytes),
    'freeBytes', numberArg(peer.freeBytes),
    'activeTransfers', numberArg(peer.activeTransfers),
    'registeredAt', numberArg(peer.registeredAt),
    'lastSeenAt', numberArg(peer.lastSeenAt)
  ]
}

/** The peer a hash describes, or null for a missing (empty) hash. */
export function decodePeer (fields: Record<string, string>): PeerRecord | null {
  if (fields.peerId == null) return null
  return {
    peerId: fields.peerId,
    grpcAddress: fields.grpcAddress ?? '',
    capacityBytes: Number(fields.capacityBytes),
    freeBytes: Number(fields.freeBytes),
    activeTransfers: Number(fields.activeTransfers),
    registeredAt: Number(fields.registeredAt),
    lastSeenAt: Number(fields.lastSeenAt)
  }
}

/** A peer's fields with a `fileCount` field added (the listPeers script answers those). */
export function decodePeerSummary (flat: FlatPairs): PeerSummary | null {
  const fields = toFields(flat)
  const peer = decodePeer(fields)
  return peer == null ? null : { ...peer, fileCount: Number(fields.fileCount) }
}

export function encodeHolding (holding: Pick<HoldingRecord, 'size' | 'sha256' | 'announcedAt'>): string {
  return JSON.stringify({ size: holding.size, sha256: holding.sha256, announcedAt: holding.announcedAt })
}

export function decodeHolding (peerId: string, name: string, json: string): HoldingRecord {
  const { size, sha256, announcedAt } = JSON.parse(json) as Omit<HoldingRecord, 'peerId' | 'name'>
  return { peerId, name, size, sha256, announcedAt }
}

export function encodeCatalogEntry (entry: Omit<CatalogRecord, 'name'>): string {
  return JSON.stringify({ size: entry.size, sha256: entry.sha256, addedAt: entry.addedAt })
}

export function decodeCatalogEntry (name: string, json: string): CatalogRecord {
  const { size, sha256, addedAt } = JSON.parse(json) as Omit<CatalogRecord, 'name'>
  return { name, size, sha256, addedAt }
}

export function encodeReservation (reservation: ReservationRecord): FlatPairs {
  const common = [
    'peerId', reservation.peerId,
    'name', reservation.name,
    'kind', reservation.kind,
    'size', numberArg(reservation.size),
    'expiresAt', numberArg(reservation.expiresAt)
  ]
  return reservation.kind === 'upload'
    ? [...common, 'placedAt', numberArg(reservation.placedAt), 'started', reservation.started ? '1' : '0']
    : [...common, 'sha256', reservation.sha256, 'delivered', reservation.delivered ? '1' : '0']
}

export function decodeReservation (flat: FlatPairs): ReservationRecord {
  const fields = toFields(flat)
  const common = { peerId: fields.peerId ?? '', name: fields.name ?? '', size: Number(fields.size), expiresAt: Number(fields.expiresAt) }
  return fields.kind === 'upload'
    ? { ...common, kind: 'upload', placedAt: Number(fields.placedAt), started: fields.started === '1' }
    : { ...common, kind: 'replica', sha256: fields.sha256 ?? '', delivered: fields.delivered === '1' }
}
