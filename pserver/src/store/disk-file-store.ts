// The FileStore on a local disk, content-addressed (see layout.ts): each distinct content is stored
// once as blobs/<sha256> with its piece hashes beside it, and names.json maps names to contents, so
// the same bytes uploaded under a second name take no second copy and free space counts unique bytes.
import { once } from 'node:events'
import { createReadStream } from 'node:fs'
import fs from 'node:fs/promises'
import type { Readable } from 'node:stream'
import type { Logger } from 'pino'
import { PeerError } from '../errors.js'
import { readBlobMeta, writeBlobMeta } from './blob-meta.js'
import type { BlobMeta } from './blob-meta.js'
import { scanBlobs } from './blob-scan.js'
import { splitPieces } from './content-digest.js'
import { diskFreeBytes, emptyDir, fsyncDir, removeIfPresent, storableNameProblem } from './disk-io.js'
import type { FileStore, StoredFile, UploadRequestHeader, UploadSession } from './file-store.js'
import { createHashPool } from './hash-worker.js'
import { storeLayout } from './layout.js'
import { importLegacyFiles } from './legacy-import.js'
import { loadNameIndex, saveNameIndex } from './name-index.js'
import { copySeedFiles } from './seed.js'
import { openUploadSession } from './upload-session.js'
import type { OpenFile } from './upload-session.js'

/**
 * Bytes per disk read of a download (then sent as CHUNK_BYTES messages). Large reads mean fewer trips
 * to the thread pool, and the next read runs while this one is sent; 4 MiB measured faster than 256 KiB
 * or 1 MiB on loopback, and is one piece, so reads of whole files are piece-aligned.
 */
export const READ_BYTES = 4 * 1024 * 1024

export interface DiskFileStoreOptions {
  dataDir: string
  capacityBytes: number
  /** A folder whose files are copied in at start when not already stored. */
  seedDir?: string | undefined
  logger: Pick<Logger, 'info' | 'warn' | 'error'>
  /** Opens the temporary file of an upload (fs.open by default; tests pass a slow disk). */
  openFile?: OpenFile
}

interface Blob {
  size: number
  /** Every name that refers to this content. */
  names: Set<string>
}

/** How placed content arrives: a finished upload's temporary file is renamed, an imported file hard-linked. */
type Source = { path: string, how: 'rename' | 'link' } | null

export function createDiskFileStore (options: DiskFileStoreOptions): FileStore {
  const { capacityBytes, logger } = options
  const layout = storeLayout(options.dataDir)
  const names = new Map<string, string>()
  const blobs = new Map<string, Blob>()
  const uploading = new Set<string>()
  const sessions = new Set<UploadSession>()
  const hashes = createHashPool()
  let storedBytes = 0
  let reservedBytes = 0
  let closed = false
  // Placing content and saving the index happen one at a time, so the index is never written from a stale view.
  let placing: Promise<unknown> = Promise.resolve()

  function serialized<T> (task: () => Promise<T>): Promise<T> {
    const run = placing.then(task, task)
    placing = run.catch(() => {})
    return run
  }

  function addBlob (sha256: string, size: number): Blob {
    const blob = { size, names: new Set<string>() }
    blobs.set(sha256, blob)
    storedBytes += size
    return blob
  }

  function fileOf (name: string, sha256: string): StoredFile {
    return { name, size: blobs.get(sha256)?.size ?? 0, sha256 }
  }

  // Synchronous on purpose: callers compute it right after their last await, then reserve.
  function freeGiven (diskFree: number): number {
    return Math.max(0, Math.min(capacityBytes - storedBytes - reservedBytes, diskFree))
  }

  /** Stores `meta`'s content (from `source` unless already stored) and names it `name`, durably. */
  async function place (name: string, meta: BlobMeta, source: Source): Promise<StoredFile> {
    return await serialized(async () => {
      if (names.has(name)) throw new PeerError('PEER_FILE_EXISTS', `a file named "${name}" is already stored`)
      let blob = blobs.get(meta.sha256)
      const isNew = blob == null
      if (blob == null) {
        if (source == null) throw new Error(`content ${meta.sha256} was only verified but is not stored`)
        // The metadata is durable before the blob appears, so a blob on disk always has its digest.
        await writeBlobMeta(layout, meta)
        const target = layout.blobPath(meta.sha256)
        if (source.how === 'rename') await fs.rename(source.path, target)
        else await fs.link(source.path, target)
        await fsyncDir(layout.blobsDir)
        blob = addBlob(meta.sha256, meta.size)
      } else if (source?.how === 'rename') {
        await removeIfPresent(source.path) // the same bytes are stored already
      }
      names.set(name, meta.sha256)
      blob.names.add(name)
      try {
        await saveNameIndex(layout, names)
      } catch (err) {
        names.delete(name)
        blob.names.delete(name)
        if (isNew) await forgetBlob(meta.sha256)
        throw err
      }
      return fileOf(name, meta.sha256)
    })
  }

  async function forgetBlob (sha256: string): Promise<void> {
    const blob = blobs.get(sha256)
    if (blob == null) return
    blobs.delete(sha256)
    storedBytes -= blob.size
    await removeIfPresent(layout.blobPath(sha256)).catch(() => false)
    await removeIfPresent(layout.metaPath(sha256)).catch(() => false)
  }

  async function loadExisting (): Promise<void> {
    const indexExists = await fs.access(layout.indexFile).then(() => true, () => false)
    const blobCount = (await fs.readdir(layout.blobsDir)).length
    if (!indexExists && blobCount > 0) {
      // Every content would look unnamed and be removed: an operator must decide, not this start.
      throw new Error(`${layout.indexFile} is missing but ${layout.blobsDir} is not empty; restore the index from a backup, or remove ${layout.blobsDir} to start empty`)
    }
    const loaded = await loadNameIndex(layout)
    for (const { name, reason } of loaded.refused) logger.warn({ file: name, reason }, 'dropping an invalid entry of the name index')
    const scan = await scanBlobs(layout, { referenced: new Set(loaded.names.values()), logger })
    const dropped: string[] = []
    for (const [sha256, size] of scan.blobs) addBlob(sha256, size)
    for (const [name, sha256] of loaded.names) {
      const blob = blobs.get(sha256)
      if (blob == null) {
        dropped.push(name)
        continue
      }
      names.set(name, sha256)
      blob.names.add(name)
    }
    if (dropped.length > 0) logger.warn({ files: dropped }, 'no longer serving files whose content is missing or damaged')
    if (!indexExists || dropped.length > 0 || loaded.refused.length > 0) await saveNameIndex(layout, names)
    logger.info({ trusted: scan.trusted, rehashed: scan.rehashed, removed: scan.removed }, 'checked stored contents')
  }

  const store: FileStore = {
    capacityBytes,

    async start () {
      await fs.mkdir(layout.blobsDir, { recursive: true })
      await fs.mkdir(layout.tmpDir, { recursive: true })
      const leftovers = await emptyDir(layout.tmpDir)
      if (leftovers > 0) logger.info({ leftovers }, 'removed unfinished uploads from a previous run')
      await loadExisting()
      await importLegacyFiles(layout, {
        nameRefersTo: (name) => names.get(name) ?? null,
        place: async (name, meta, source) => { await place(name, meta, { path: source, how: 'link' }) }
      }, logger)
      if (options.seedDir != null) await copySeedFiles(options.seedDir, store, logger)
      logger.info({ files: names.size, contents: blobs.size, bytes: storedBytes }, 'storage ready')
    },

    list: async () => [...names].map(([name, sha256]) => fileOf(name, sha256)),
    count: async () => names.size,
    get: async (name) => {
      const sha256 = names.get(name)
      return sha256 == null ? null : fileOf(name, sha256)
    },
    findBySha256: async (sha256) => {
      const first = blobs.get(sha256)?.names.values().next()
      return first == null || first.done === true ? null : fileOf(first.value, sha256)
    },

    async pieceHashes (sha256) {
      if (!blobs.has(sha256)) return null
      const meta = await readBlobMeta(layout, sha256)
      // Written before the blob was placed and checked at start: missing now means someone removed it.
      if (meta == null) throw new Error(`the metadata of stored content ${sha256} is missing or unreadable`)
      return { pieceBytes: meta.pieceBytes, pieces: splitPieces(meta.pieces) }
    },

    async openRead (sha256, offset, length) {
      const blob = blobs.get(sha256)
      if (blob == null) throw new PeerError('PEER_NOT_FOUND', 'no such content here')
      if (!(length > 0 && offset >= 0 && offset + length <= blob.size)) {
        throw new PeerError('PEER_OUT_OF_RANGE', `bytes ${offset}+${length} are not inside the content (${blob.size} bytes)`)
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
      if (names.has(header.name) || uploading.has(header.name)) {
        throw new PeerError('PEER_FILE_EXISTS', `a file named "${header.name}" is already stored or being uploaded`)
      }
      // Content the sender proves (by its hash) to be stored already is only verified: no bytes to keep.
      const known = header.sha256 != null && blobs.has(header.sha256)
      const reserve = known ? 0 : header.size
      const free = freeGiven(diskFree)
      if (reserve > free) throw new PeerError('PEER_NO_ROOM', `${header.size} bytes do not fit: ${free} bytes free`)
      uploading.add(header.name)
      reservedBytes += reserve
      let session: UploadSession | null = null
      session = await openUploadSession(header, {
        tmpDir: layout.tmpDir,
        hasher: hashes.hasher(),
        openFile: options.openFile,
        keepBytes: !known,
        publish: async (meta, tmpPath) => await place(header.name, meta, tmpPath == null ? null : { path: tmpPath, how: 'rename' }),
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
      return await serialized(async () => {
        if (names.get(name) !== sha256) return false
        names.delete(name)
        const blob = blobs.get(sha256)
        blob?.names.delete(name)
        // The index no longer names it before its bytes go, so a crash in between leaves an unnamed
        // blob (removed at the next start), never a name without its content.
        await saveNameIndex(layout, names)
        if (blob != null && blob.names.size === 0) await forgetBlob(sha256)
        logger.info({ file: name, sha256 }, 'file removed')
        return true
      })
    },

    async close () {
      closed = true
      await Promise.all([...sessions].map(async (session) => { await session.abort() }))
      await hashes.close()
    }
  }
  return store
}
