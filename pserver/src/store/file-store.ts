// What the peer's file service needs from storage. Async throughout, so a disk store, an in-memory
// store or something remote are interchangeable behind it.
import type { Readable } from 'node:stream'

/** A complete stored file: listed only once every byte is on disk and matches its SHA-256. */
export interface StoredFile {
  name: string
  size: number
  /** Lower-case hex SHA-256 of the content. */
  sha256: string
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

/** An upload in progress. Nothing of it is visible until commit() succeeds. */
export interface UploadSession {
  readonly name: string
  /** Appends bytes; resolves once the store accepted them, so awaiting it paces the sender. */
  write: (chunk: Uint8Array) => Promise<void>
  /** Checks size and hash, makes the file durable and visible. Rejects (and leaves nothing) otherwise. */
  commit: () => Promise<StoredFile>
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
  /** Streams `length` (> 0) bytes from `offset`; the range must lie inside the file. */
  openRead: (name: string, offset: number, length: number) => Promise<Readable>
  /** min(capacity - stored - reserved by uploads in progress, free space on the disk), never negative. */
  freeBytes: () => Promise<number>
  /** Reserves header.size bytes and the name until the session commits or aborts. */
  beginUpload: (header: UploadRequestHeader) => Promise<UploadSession>
  /** Aborts every upload in progress. */
  close: () => Promise<void>
}
