// What the peer's file service needs from storage. Async throughout, so a disk store, an in-memory
// store or something remote are interchangeable behind it.
import type { Readable } from 'node:stream'

/** A complete stored file: listed only once every byte is on disk and matches its SHA-256. */
export interface StoredFile {
  name: string
  size: number
  /** Lower-case hex SHA-256 of the content. */
  sha256: string
  /**
   * The SHA-256 of its piece table (proto's pieceTableDigest over the piece hashes taken when the
   * content was written), announced with it so the central can vouch for the piece hashes downloaders get.
   */
  piecesSha256?: string
}

/** The piece hashes of one stored content, as computed when it was written. */
export interface PieceHashes {
  pieceBytes: number
  /** SHA-256 of each piece, 32 raw bytes each, in order; none for an empty file. */
  pieces: Buffer[]
}

export interface UploadRequestHeader {
  /** A name already validated with fileNameSchema (NFC-normalised). */
  name: string
  /** Exact size, or the most bytes the sender may send when sizeIsMaximum is set. */
  size: number
  sizeIsMaximum: boolean
  /** The SHA-256 the content must have, or null when the sender does not know it. */
  sha256: string | null
}

/** What the sender says it sent, from its end message. */
export interface UploadEnd {
  size: number
  sha256: string | null
}

/** An upload in progress. Nothing of it is visible until commit() succeeds. */
export interface UploadSession {
  readonly name: string
  /** Takes bytes (kept, not copied); resolves once the store can take more, so awaiting it paces the sender. */
  write: (chunk: Uint8Array) => Promise<void>
  /**
   * Checks what arrived against the sender's end message and the header (size, hashes), makes the
   * content durable and the name visible. Rejects (and leaves nothing) otherwise.
   */
  commit: (end: UploadEnd) => Promise<StoredFile>
  /** Drops everything written so far. Safe to call more than once, or after commit (then a no-op). */
  abort: () => Promise<void>
}

export interface FileStore {
  readonly capacityBytes: number
  /** Prepares the storage: indexes what is there, removes leftovers, copies seed files in. */
  start: () => Promise<void>
  list: () => Promise<StoredFile[]>
  count: () => Promise<number>
  get: (name: string) => Promise<StoredFile | null>
  findBySha256: (sha256: string) => Promise<StoredFile | null>
  /** The piece hashes of stored content `sha256`, or null when it is not stored. */
  pieceHashes: (sha256: string) => Promise<PieceHashes | null>
  /** Streams `length` (> 0) bytes from `offset` of stored content `sha256`; the range must lie inside it. */
  openRead: (sha256: string, offset: number, length: number) => Promise<Readable>
  /** min(capacity - unique bytes stored - bytes reserved by uploads in progress, free disk space), never negative. */
  freeBytes: () => Promise<number>
  /**
   * Reserves the name, and header.size bytes unless header.sha256 names content already stored (then
   * the bytes are only verified, never stored twice), until the session commits or aborts.
   */
  beginUpload: (header: UploadRequestHeader) => Promise<UploadSession>
  /** Names of the uploads in progress (for the central, which keeps their names claimed while they run). */
  uploadsInProgress: () => string[]
  /**
   * Takes `name` away if it still refers to content `sha256` (false otherwise); the content itself goes
   * once no name refers to it. Used when the central refuses the name to this content.
   */
  remove: (name: string, sha256: string) => Promise<boolean>
  /** Aborts every upload in progress. */
  close: () => Promise<void>
}
