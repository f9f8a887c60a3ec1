// The FileStore on a local disk, content-addressed (see layout.ts): each distinct content is stored
// once as blobs/<sha256> with its piece hashes beside it, and names.json maps names to contents, so
// the same bytes uploaded under a second name take no second copy and free space counts unique bytes.
// What is stored is kept by the catalog (catalog.ts); what a start finds on disk is brought back by
// recovery.ts; this file serves reads and admits uploads.
import { once } from 'node:events'
import { createReadStream } from 'node:fs'
import type { Readable } from 'node:stream'
import type { Logger } from 'pino'
import { PeerError } from '../errors.js'
import { readBlobMeta } from './blob-meta.js'
import { createCatalog } from './catalog.js'
import { splitPieces } from './content-digest.js'
import { diskFreeBytes, storableNameProblem } from './disk-io.js'
import type { FileStore, UploadRequestHeader, UploadSession } from './file-store.js'
import { createHashPool } from './hash-worker.js'
import { storeLayout } from './layout.js'
import { recoverStore } from './recovery.js'
import { openUploadSession } from './upload-session.js'
import type { OpenFile } from './upload-session.js'

/**
 * Bytes per disk read of a download: one CHUNK_BYTES message each. A read stream holds the buffer being
 * sent and the next one read ahead, per download: at 4 MiB, four downloads held 32 MiB of the
 * pserver's peak for this alone. One message per read keeps the next read overlapping the send, divides
 * a piece evenly (reads of whole files stay piece-aligned), and lets the download's send window
 * (QUEUED_BYTES in handlers/download.ts) bound what it holds: with 1 MiB reads, four downloads and two
 * uploads through one peer still peaked the pserver at 154-158 MiB (docs/performance.md). The trips
 * to the thread pool, four per MiB, are few against the bytes each one moves.
 */
export const READ_BYTES = 256 * 1024

export interface DiskFileStoreOptions {
  dataDir: string
  capacityBytes: number
  /** A folder whose files are copied in at start when not already stored. */
  seedDir?: string | undefined
  logger: Pick<Logger, 'info' | 'warn' | 'error'>
  /** Opens the temporary file of an upload (fs.open by default; tests pass a slow disk). */
  openFile?: OpenFile
}

export function createDiskFileStore (options: DiskFileStoreOptions): FileStore {
  const { capacityBytes, logger } = options
  const layout = storeLayout(options.dataDir)
  const catalog = createCatalog(layout)
  const uploading = new Set<string>()
  const sessions = new Set<UploadSession>()
  const hashes = createHashPool()
  let reservedBytes = 0
  let closed = false

  // Synchronous on purpose: callers compute it right after their last await, then reserve.
  function freeGiven (diskFree: number): number {
    return Math.max(0, Math.min(capacityBytes - catalog.storedBytes() - reservedBytes, diskFree))
  }

  const store: FileStore = {
    capacityBytes,

    async start () {
      await recoverStore({ layout, catalog, store, seedDir: options.seedDir, logger })
      logger.info({ files: catalog.nameCount(), contents: catalog.contentCount(), bytes: catalog.storedBytes() }, 'storage ready')
    },

    list: async () => catalog.list(),
    count: async () => catalog.nameCount(),
    get: async (name) => catalog.get(name),
    findBySha256: async (sha256) => catalog.findBySha256(sha256),

    async pieceHashes (sha256) {
      if (catalog.sizeOf(sha256) == null) return null
      const meta = await readBlobMeta(layout, sha256)
      // Written before the blob was placed and checked at start: missing now means someone removed it.
      if (meta == null) throw new Error(`the metadata of stored content ${sha256} is missing or unreadable`)
      return { pieceBytes: meta.pieceBytes, pieces: splitPieces(meta.pieces) }
    },

    async openRead (sha256, offset, length) {
      const size = catalog.sizeOf(sha256)
      if (size == null) throw new PeerError('PEER_NOT_FOUND', 'no such content here')
      if (!(length > 0 && offset >= 0 && offset + length <= size)) {
        throw new PeerError('PEER_OUT_OF_RANGE', `bytes ${offset}+${length} are not inside the content (${size} bytes)`)
      }
      const stream = createReadStream(layout.blobPath(sha256), { start: offset, end: offset + length - 1, highWaterMark: READ_BYTES })
      await once(stream, 'open')
      return stream as Readable
    },

    freeBytes: async () => freeGiven(await diskFreeBytes(layout.dataDir)),

    async beginUpload (header: UploadRequestHeader) {
      const problem = storableNameProblem(header.name)
      if (problem != null) throw new PeerError('PEER_BAD_REQUEST', problem)
      const diskFree = await diskFreeBytes(layout.dataDir)
      // From here to the reservation nothing awaits, so two uploads cannot both take the last bytes.
      if (closed) throw new PeerError('PEER_CANCELLED', 'the peer is shutting down')
      if (catalog.get(header.name) != null || uploading.has(header.name)) {
        throw new PeerError('PEER_FILE_EXISTS', `a file named "${header.name}" is already stored or being uploaded`)
      }
      // Content the sender proves (by its hash) to be stored already is only verified: no bytes to keep.
      const known = header.sha256 != null && catalog.sizeOf(header.sha256) != null
      const reserve = known ? 0 : header.size
      const free = freeGiven(diskFree)
      if (reserve > free) throw new PeerError('PEER_NO_ROOM', `${header.size} bytes do not fit: ${free} bytes free`)
      uploading.add(header.name)
      reservedBytes += reserve
      let session: UploadSession | null = null
      session = await openUploadSession(header, {
        tmpDir: layout.tmpDir,
        hasher: hashes.hasher(header.size),
        openFile: options.openFile,
        keepBytes: !known,
        publish: async (meta, tmpPath) => await catalog.place(header.name, meta, tmpPath == null ? null : { path: tmpPath, how: 'rename' }),
        release: () => {
          uploading.delete(header.name)
          reservedBytes -= reserve
          if (session != null) sessions.delete(session)
        }
      })
      sessions.add(session)
      return session
    },

    uploadsInProgress: () => [...uploading],

    async remove (name, sha256) {
      const removed = await catalog.remove(name, sha256)
      if (removed) logger.info({ file: name, sha256 }, 'file removed')
      return removed
    },

    async close () {
      closed = true
      await Promise.all([...sessions].map(async (session) => { await session.abort() }))
      await hashes.close()
    }
  }
  return store
}
