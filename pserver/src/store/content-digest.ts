// The digest of a file's content, computed in one pass over its bytes as they are written or read:
// the SHA-256 of the whole content and the SHA-256 of each PIECE_BYTES piece (what GetFileInfo serves
// so a downloader can verify every piece as it arrives).
import { createHash } from 'node:crypto'
import type { Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { PIECE_BYTES } from '@p2p/proto'

export const PIECE_HASH_BYTES = 32

export interface ContentDigest {
  size: number
  /** Lower-case hex SHA-256 of the whole content. */
  sha256: string
  pieceBytes: number
  /** The SHA-256 of every piece, 32 raw bytes each, concatenated in order; empty for an empty file. */
  pieces: Buffer
}

export interface ContentHasher {
  update: (chunk: Uint8Array) => void
  /** Ends the hashing; call once. */
  digest: () => ContentDigest
}

export function createContentHasher (pieceBytes = PIECE_BYTES): ContentHasher {
  const whole = createHash('sha256')
  const pieces: Buffer[] = []
  let piece: Hash | null = null
  let pieceFill = 0
  let size = 0

  return {
    update (chunk) {
      whole.update(chunk)
      size += chunk.length
      let at = 0
      while (at < chunk.length) {
        piece ??= createHash('sha256')
        const take = Math.min(pieceBytes - pieceFill, chunk.length - at)
        piece.update(at === 0 && take === chunk.length ? chunk : chunk.subarray(at, at + take))
        pieceFill += take
        at += take
        if (pieceFill === pieceBytes) {
          pieces.push(piece.digest())
          piece = null
          pieceFill = 0
        }
      }
    },
    digest () {
      if (piece != null) pieces.push(piece.digest())
      return { size, sha256: whole.digest('hex'), pieceBytes, pieces: Buffer.concat(pieces) }
    }
  }
}

/** The digest of a file on disk, read in `readBytes` pieces (never the whole file at once). */
export async function digestFile (file: string, readBytes = 1024 * 1024): Promise<ContentDigest> {
  const hasher = createContentHasher()
  for await (const chunk of createReadStream(file, { highWaterMark: readBytes })) hasher.update(chunk as Buffer)
  return hasher.digest()
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
