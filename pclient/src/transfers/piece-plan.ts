// Where the pieces of a file lie, and which pieces cover a byte range: piece i holds the bytes
// [i * pieceSize, min(size, (i + 1) * pieceSize)), and an empty file has no pieces.

/** A half-open byte range [start, end) of a file. */
export interface ByteRange {
  start: number
  end: number
}

/** A half-open range of piece indexes [first, end). */
export interface PieceRange {
  first: number
  end: number
}

export function pieceCount (size: number, pieceSize: number): number {
  return Math.ceil(size / pieceSize)
}

/** The bytes piece `index` holds. */
export function pieceBytes (index: number, size: number, pieceSize: number): ByteRange {
  return { start: index * pieceSize, end: Math.min(size, (index + 1) * pieceSize) }
}

/** The smallest piece range whose bytes include `range` (empty for an empty range). */
export function coveringPieces (range: ByteRange, pieceSize: number): PieceRange {
  if (range.end <= range.start) return { first: 0, end: 0 }
  return { first: Math.floor(range.start / pieceSize), end: Math.ceil(range.end / pieceSize) }
}

/** The bytes a piece range holds: piece-aligned at the start, ending at the last piece's end. */
export function piecesBytes (pieces: PieceRange, size: number, pieceSize: number): ByteRange {
  if (pieces.end <= pieces.first) return { start: 0, end: 0 }
  return { start: pieces.first * pieceSize, end: Math.min(size, pieces.end * pieceSize) }
}
