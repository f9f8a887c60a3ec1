// The metadata kept beside each blob (blobs/<sha256>.meta): its digest, computed once when the blob
// was written, and the size and mtime the blob had then. At start a blob whose size or mtime no
// longer match is hashed again; otherwise the metadata is trusted, so a start is fast however much
// is stored. A blob keeps the piece size it was hashed with (4 MiB before 2026-12-07, pieceBytesFor() of
// its size since): the piece table the central recorded for it was cut at that size.
import fs from 'node:fs/promises'
import { isAcceptedPieceSize } from '@p2p/proto'
import { PIECE_HASH_BYTES, pieceCount } from './content-digest.js'
import type { ContentDigest } from './content-digest.js'
import { writeFileDurably } from './disk-io.js'
import type { StoreLayout } from './layout.js'

const FORMAT = 1

export interface BlobMeta extends ContentDigest {
  /** The blob's mtime in nanoseconds when the digest was taken. */
  mtimeNs: bigint
}

interface MetaJson {
  format: number
  sha256: string
  size: number
  mtimeNs: string
  pieceBytes: number
  /** Lower-case hex of the concatenated piece hashes. */
  pieces: string
}

/** The blob's current size and mtime (what its metadata must match). */
export async function blobStamp (file: string): Promise<{ size: number, mtimeNs: bigint }> {
  const stats = await fs.stat(file, { bigint: true })
  return { size: Number(stats.size), mtimeNs: stats.mtimeNs }
}

export async function writeBlobMeta (layout: Pick<StoreLayout, 'metaPath' | 'tmpDir'>, meta: BlobMeta): Promise<void> {
  const json: MetaJson = {
    format: FORMAT,
    sha256: meta.sha256,
    size: meta.size,
    mtimeNs: meta.mtimeNs.toString(),
    pieceBytes: meta.pieceBytes,
    pieces: meta.pieces.toString('hex')
  }
  await writeFileDurably(layout.metaPath(meta.sha256), JSON.stringify(json) + '\n', layout.tmpDir)
}

/** The metadata of blob `sha256`, or null when it is missing, unreadable or not for this blob. */
export async function readBlobMeta (layout: Pick<StoreLayout, 'metaPath'>, sha256: string): Promise<BlobMeta | null> {
  let json: Partial<MetaJson>
  try {
    json = JSON.parse(await fs.readFile(layout.metaPath(sha256), 'utf8')) as Partial<MetaJson>
  } catch {
    return null
  }
  if (json.format !== FORMAT || json.sha256 !== sha256 || typeof json.pieces !== 'string' || typeof json.mtimeNs !== 'string') return null
  if (!Number.isSafeInteger(json.size) || !Number.isSafeInteger(json.pieceBytes) || (json.pieceBytes ?? 0) <= 0) return null
  const size = json.size as number
  const pieceBytes = json.pieceBytes as number
  if (!/^\d+$/.test(json.mtimeNs) || json.pieces.length !== pieceCount(size, pieceBytes) * PIECE_HASH_BYTES * 2 || !/^[0-9a-f]*$/.test(json.pieces)) return null
  return { sha256, size, pieceBytes, mtimeNs: BigInt(json.mtimeNs), pieces: Buffer.from(json.pieces, 'hex') }
}

/** True when `meta` still describes the blob as it is on disk, in a piece size downloaders accept. */
export function metaIsCurrent (meta: BlobMeta, stamp: { size: number, mtimeNs: bigint }): boolean {
  return meta.size === stamp.size && meta.mtimeNs === stamp.mtimeNs && isAcceptedPieceSize(meta.pieceBytes)
}
