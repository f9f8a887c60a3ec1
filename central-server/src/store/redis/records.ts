// How records are written into Redis and read back. A peer is a hash of string fields (a script reads and
// rewrites single fields). A holding, a catalog entry and a reservation are one line of space-separated
// fields in a hash of their kind, so a script splits them without a JSON parser:
//   holding, catalog entry   `size sha256 at pieces`   (at: announcedAt, or addedAt; `size sha256` is the
//                            content; pieces: its piece table's SHA-256, or - when none was announced)
//   upload reservation       `upload size expiresAt placedAt started`      (started: 1 or 0)
//   replica reservation      `replica size expiresAt sha256 delivered`     (delivered: 1 or 0)
// A holding and a catalog entry share their form, so a name's first holding becomes its catalog entry as
// it is. Numbers go in as JavaScript writes them (exact), and Lua only ever compares them or copies the
// strings: its own numbers print with 14 digits, so a script never formats one (Redis itself formats the
// scores and increments a script computes, with 17).
import type { CatalogRecord, FileHolder, FileRecord, HoldingRecord, PeerRecord, PeerSummary, ReservationRecord } from '../directory-store.js'

/** Field/value pairs, flat, as HSET takes them and HGETALL answers inside a script. */
export type FlatPairs = string[]

/**
 * A file as the scripts answer it: its name, its catalog entry, then each live holder as [announcedAt,
 * ...the peer's pairs]. (node-redis types a reply's nested arrays loosely; decodeFile reads them so.)
 */
export type FileRow = Array<string | string[]>

export function toFields (flat: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!
  return fields
}

/** A number for a value, a score or a range bound ('-inf' and '+inf' for the infinities, which Redis and Lua read). */
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

/** The peer a hash describes (its other fields ignored), or null for a missing one. */
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

/** A peer's pairs with a `fileCount` pair added (the pagePeers script answers those). */
export function decodePeerSummary (flat: readonly string[]): PeerSummary | null {
  const fields = toFields(flat)
  const peer = decodePeer(fields)
  return peer == null ? null : { ...peer, fileCount: Number(fields.fileCount) }
}

/** A peer's pairs and its unreserved room, the freeBytes less the reservedBytes its hash keeps. */
export function decodePeerRoom (flat: readonly string[]): { peer: PeerRecord, room: number } | null {
  const fields = toFields(flat)
  const peer = decodePeer(fields)
  return peer == null ? null : { peer, room: peer.freeBytes - Number(fields.reservedBytes ?? 0) }
}

/** Written for a holding announced without its piece table's SHA-256. */
const NO_PIECES_DIGEST = '-'

interface EncodedContent { size: number, sha256: string, at: number, piecesSha256?: string | undefined }

/** A holding, or a catalog entry with `at` its addedAt. */
export function encodeContent (entry: EncodedContent): string {
  return `${numberArg(entry.size)} ${entry.sha256} ${numberArg(entry.at)} ${entry.piecesSha256 ?? NO_PIECES_DIGEST}`
}

export function decodeContent (value: string): EncodedContent {
  const [size, sha256, at, pieces] = value.split(' ')
  const content = { size: Number(size), sha256: sha256 ?? '', at: Number(at) }
  return pieces == null || pieces === NO_PIECES_DIGEST ? content : { ...content, piecesSha256: pieces }
}

export function encodeHolding (holding: Pick<HoldingRecord, 'size' | 'sha256' | 'piecesSha256' | 'announcedAt'>): string {
  return encodeContent({ size: holding.size, sha256: holding.sha256, at: holding.announcedAt, piecesSha256: holding.piecesSha256 })
}

export function decodeCatalogEntry (name: string, value: string): CatalogRecord {
  const { size, sha256, at, piecesSha256 } = decodeContent(value)
  return { name, size, sha256, ...(piecesSha256 != null ? { piecesSha256 } : {}), addedAt: at }
}

export function decodeFile (row: FileRow): FileRecord {
  const [name, entry, ...holders] = row as [string, string, ...string[][]]
  return {
    ...decodeCatalogEntry(name, entry),
    holders: holders.flatMap(([announcedAt, ...flat]): FileHolder[] => {
      const peer = decodePeer(toFields(flat))
      return peer == null ? [] : [{ ...peer, announcedAt: Number(announcedAt) }]
    })
  }
}

export function encodeReservation (reservation: ReservationRecord): string {
  const { size, expiresAt } = reservation
  return reservation.kind === 'upload'
    ? `upload ${numberArg(size)} ${numberArg(expiresAt)} ${numberArg(reservation.placedAt)} ${reservation.started ? 1 : 0}`
    : `replica ${numberArg(size)} ${numberArg(expiresAt)} ${reservation.sha256} ${reservation.delivered ? 1 : 0}`
}

export function decodeReservation (peerId: string, name: string, value: string): ReservationRecord {
  const [kind, size, expiresAt, fourth, fifth] = value.split(' ')
  const common = { peerId, name, size: Number(size), expiresAt: Number(expiresAt) }
  return kind === 'upload'
    ? { ...common, kind: 'upload', placedAt: Number(fourth), started: fifth === '1' }
    : { ...common, kind: 'replica', sha256: fourth ?? '', delivered: fifth === '1' }
}
