// The SHA-256 of a file's piece table: what the central records beside a content's SHA-256, so that a
// downloader can trust a holder's piece hashes (GetFileInfo) without hashing the whole file again.
// The pserver that received the upload computes it from the piece hashes it took of every byte; a
// downloader computes it from the piece table a holder sends. When the two agree, every piece that
// matches its hash is a piece of the content the central located, and the pieces put together are
// that content: the whole file's SHA-256 proves nothing more (BitTorrent's info-hash works the same
// way). The piece size is part of what is hashed, so a table cut at another size never matches.
import { createHash } from 'node:crypto'

/** Lower-case hex SHA-256 of the piece size (8 bytes, big-endian) followed by every 32-byte piece hash in order. */
export function pieceTableDigest (pieceBytes: number, pieceHashes: Buffer | readonly Buffer[]): string {
  if (!Number.isSafeInteger(pieceBytes) || pieceBytes <= 0) throw new RangeError(`a piece size must be a positive integer, not ${pieceBytes}`)
  const size = Buffer.alloc(8)
  size.writeBigUInt64BE(BigInt(pieceBytes))
  const hash = createHash('sha256').update(size)
  for (const piece of Buffer.isBuffer(pieceHashes) ? [pieceHashes] : pieceHashes) hash.update(piece)
  return hash.digest('hex')
}
