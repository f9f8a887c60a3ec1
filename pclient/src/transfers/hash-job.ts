// What a download's hashing looks like to the code that verifies pieces, wherever the hashing runs
// (hasher.ts picks the hashing thread or libuv's thread pool).
export interface HashJob {
  /**
   * Adds bytes to the current piece and, if asked for, the whole file. They are read by the time
   * endPiece() returns (a job on the hashing thread copies them at once): until then the caller must
   * neither change nor free them.
   */
  update: (chunk: Buffer) => void
  /** Ends the current piece: its 32-byte SHA-256. */
  endPiece: () => Promise<Buffer>
  /** The hex SHA-256 of everything, for a job opened with `whole`; call once, after the last update (and endPiece()). */
  wholeDigest: () => Promise<string>
  /** Remembers the whole digest's state after an accepted piece, for rewind(). */
  mark: () => void
  /** Forgets the bytes since the last mark (a piece whose sender failed halfway). */
  rewind: () => void
  /** From here on only the whole content is hashed (its pieces are verified by jobs of their own). */
  wholeOnly: () => void
  /** Forgets the job (pending answers are dropped). */
  close: () => void
}
