// The piece size a content is cut into when it is hashed. Small pieces keep a download's memory small
// (it holds the piece being verified and the one waiting for the reader: with 4 MiB pieces, four
// downloads through one pclient held 16-32 MiB of them, docs/performance.md); a file's piece table must
// still fit one FileInfo message, so a file of more than PIECES_PER_TABLE pieces gets larger ones.
import { MAX_PIECE_BYTES, PIECE_BYTES } from './grpc-options.js'

/** 65,536 piece hashes: a FileInfo message of about 2.2 MiB, for files of up to 64 GiB in 1 MiB pieces. */
const PIECES_PER_TABLE = 65_536

/** The piece size for a content of `size` bytes: PIECE_BYTES, doubled until the table fits, at most MAX_PIECE_BYTES. */
export function pieceBytesFor (size: number): number {
  let pieceBytes = PIECE_BYTES
  while (pieceBytes < MAX_PIECE_BYTES && size > pieceBytes * PIECES_PER_TABLE) pieceBytes *= 2
  return pieceBytes
}

/** A piece size a downloader accepts and a store may keep: a positive integer no larger than MAX_PIECE_BYTES. */
export function isAcceptedPieceSize (pieceBytes: number): boolean {
  return Number.isSafeInteger(pieceBytes) && pieceBytes > 0 && pieceBytes <= MAX_PIECE_BYTES
}
