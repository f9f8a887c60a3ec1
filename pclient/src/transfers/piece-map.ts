// A holder's description of a file (GetFileInfo): its size, SHA-256 and piece hashes, checked against what
// the central located, so a holder with other content or a malformed piece table is skipped before any
// byte moves. When the central recorded the SHA-256 of the content's piece table (the pserver that took
// the upload computed it from every byte) and the holder's table hashes to it, the map is vouched for:
// pieces that match it make up the located content, and a download need not hash the whole file again.
import { MAX_PIECE_BYTES, PIECE_BYTES, isAcceptedPieceSize, pieceTableDigest } from '@p2p/proto'
import type { FileInfo__Output, FileView, PeerFilesClient } from '@p2p/proto'
import { DataLossError, PeerFailedError } from '../errors.js'
import { pieceCount } from './piece-plan.js'
import type { PieceRange } from './piece-plan.js'

/** How long a holder may take to describe a file. */
export const FILE_INFO_DEADLINE_MS = 10_000

const SHA256_BYTES = 32

export interface PieceMap {
  name: string
  size: number
  /** Lower-case hex SHA-256 of the whole content. */
  sha256: string
  /** Bytes per piece (the last piece may be shorter); at most MAX_PIECE_BYTES, so a piece fits the memory budget. */
  pieceSize: number
  /** The 32-byte SHA-256 of each piece, in order; none for an empty file. */
  pieceHashes: readonly Buffer[]
  /** The piece table hashes to what the central recorded with the content (see the top of this file). */
  vouched: boolean
}

/**
 * Whether a download of `pieces` must also check the whole file's SHA-256: when it covers the whole
 * file and the piece table is not vouched for (a piece table from a holder alone proves nothing about
 * which content the pieces make up).
 */
export function checksWholeFile (map: PieceMap, pieces: PieceRange): boolean {
  return !map.vouched && pieces.first === 0 && pieces.end === pieceCount(map.size, map.pieceSize)
}

/** Asks the holder behind `client` for the piece map of `file`. Rejects with its gRPC error or a PCLIENT_ error. */
export async function fetchPieceMap (client: PeerFilesClient, file: FileView, peerId: string, deadlineMs = FILE_INFO_DEADLINE_MS): Promise<PieceMap> {
  const info = await new Promise<FileInfo__Output>((resolve, reject) => {
    client.GetFileInfo({ name: file.name, sha256: file.sha256 }, { deadline: Date.now() + deadlineMs }, (err, value) => {
      if (err != null) reject(err)
      else if (value == null) reject(new PeerFailedError(`peer ${peerId} answered GetFileInfo for '${file.name}' with nothing`))
      else resolve(value)
    })
  })
  return checkPieceMap(info, file, peerId)
}

/** The holder's answer as a PieceMap, if it describes the content the central located and its piece table is whole. */
export function checkPieceMap (info: FileInfo__Output, file: FileView, peerId: string): PieceMap {
  if (info.size !== file.size || info.sha256 !== file.sha256) {
    throw new DataLossError(`peer ${peerId} describes '${file.name}' as ${info.size} bytes with SHA-256 ${info.sha256}, ` +
      `but the central located ${file.size} bytes with SHA-256 ${file.sha256}`)
  }
  // An empty file has no pieces, so its piece size does not matter.
  const pieceSize = file.size === 0 ? PIECE_BYTES : info.pieceSize
  if (!isAcceptedPieceSize(pieceSize)) {
    throw new PeerFailedError(`peer ${peerId} splits '${file.name}' into pieces of ${info.pieceSize} bytes; between 1 and ${MAX_PIECE_BYTES} are accepted`)
  }
  const expected = pieceCount(file.size, pieceSize)
  if (info.pieceSha256.length !== expected || info.pieceSha256.some((hash) => hash.length !== SHA256_BYTES)) {
    throw new PeerFailedError(`peer ${peerId} sent ${info.pieceSha256.length} piece hashes for '${file.name}'; ` +
      `${expected} of ${SHA256_BYTES} bytes each were expected`)
  }
  // A table that does not hash to the recorded digest (cut at another piece size, or not this content's)
  // is not vouched for: the whole file's SHA-256 still decides, as for a file recorded without a digest.
  const vouched = file.piecesSha256 != null && pieceTableDigest(pieceSize, info.pieceSha256) === file.piecesSha256
  return { name: file.name, size: file.size, sha256: file.sha256, pieceSize, pieceHashes: info.pieceSha256, vouched }
}
