// The digest of a file's content, computed in one pass over its bytes as they are written or read (on
// the hashing thread of @p2p/proto): the SHA-256 of the whole content and the SHA-256 of each
// piece, of the size pieceBytesFor() gives the content's size (what GetFileInfo serves so a downloader
// can verify every piece as it arrives).
import { stat } from 'node:fs/promises'
import { hashFile, pieceBytesFor, pieceTableDigest } from '@p2p/proto'

export const PIECE_HASH_BYTES = 32

export interface ContentDigest {
  size: number
  /** Lower-case hex SHA-256 of the whole content. */
  sha256: string
  pieceBytes: number
  /** The SHA-256 of every piece, 32 raw bytes each, concatenated in order; empty for an empty file. */
  pieces: Buffer
}

/** The digest of a file on disk, hashed on the shared hashing thread as it is read in `readBytes` pieces (never the whole file at once). */
export async function digestFile (file: string, readBytes = 1024 * 1024): Promise<ContentDigest> {
  // A blob at rest, or a file being imported: the size it has now is the size it is hashed at (a file
  // that changes while being read is caught where its hash is compared).
  const pieceBytes = pieceBytesFor((await stat(file)).size)
  const { size, sha256, pieces } = await hashFile(file, { pieceBytes, readBytes })
  return { size, sha256, pieceBytes, pieces }
}

/** The SHA-256 of the digest's piece table: what the central is told beside the content's SHA-256. */
export function piecesSha256Of (digest: Pick<ContentDigest, 'pieceBytes' | 'pieces'>): string {
  return pieceTableDigest(digest.pieceBytes, digest.pieces)
}

/** The piece hashes as separate 32-byte buffers (views, not copies), as FileInfo carries them. */
export function splitPieces (pieces: Buffer): Buffer[] {
  const out: Buffer[] = []
  for (let at = 0; at < pieces.length; at += PIECE_HASH_BYTES) out.push(pieces.subarray(at, at + PIECE_HASH_BYTES))
  return out
}

/** How many pieces a file of `size` bytes has. */
export function pieceCount (size: number, pieceBytes: number): number {
  return Math.ceil(size / pieceBytes)
}
