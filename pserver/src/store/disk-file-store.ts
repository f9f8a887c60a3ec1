// The FileStore on a local disk. Layout inside dataDir: files/ holds complete files under their own
// names, tmp/ holds uploads in progress (random names, removed at start), peer-id holds the id.
import { once } from 'node:events'
import { createReadStream } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import type { Logger } from 'pino'
import { CHUNK_BYTES } from '@p2p/proto'
import { PeerError } from '../errors.js'
import { diskFreeBytes, emptyDir, hashFile, pathInside } from './disk-io.js'
import type { FileStore, StoredFile, UploadRequestHeader, UploadSession } from './file-store.js'
import { copySeedFiles } from './seed.js'
import { openUploadSession } from './upload-session.js'

export const FILES_DIR = 'files'
export const TMP_DIR = 'tmp'

export interface DiskFileStoreOptions {
  dataDir: string
  capacityBytes: number
  /** A folder whose files are copied in at start when not already stored. */
  seedDir?: string | undefined
  logger: Pick<Logger, 'info' | 'warn'>
}

export function createDiskFileStore (options: DiskFileStoreOptions): FileStore {
  const { dataDir, capacityBytes, logger } = options
  const filesDir = path.join(dataDir, FILES_DIR)
  const tmpDir = path.join(dataDir, TMP_DIR)
  const index = new Map<string, StoredFile>()
  const uploading = new Set<string>()
  const sessions = new Set<UploadSession>()
  let storedBytes = 0
  let reservedBytes = 0
  let closed = false

  function add (file: StoredFile): void {
    index.set(file.name, file)
    storedBytes += file.size
  }

  // Synchronous on purpose: callers compute it right after their last await, then reserve.
  function freeGiven (diskFree: number): number {
    return Math.max(0, Math.min(capacityBytes - storedBytes - reservedBytes, diskFree))
  }

  async function indexFiles (): Promise<void> {
    for (const entry of await fs.readdir(filesDir, { withFileTypes: true })) {
      let file: string
      try {
        file = pathInside(filesDir, entry.name)
      } catch (err) {
        logger.warn({ file: entry.name, reason: (err as Error).message }, 'skipping a stored file with an invalid name')
        continue
      }
      if (!entry.isFile()) {
        logger.warn({ file: entry.name }, 'skipping an entry of files/ that is not a regular file')
        continue
      }
      add({ name: entry.name, ...await hashFile(file) })
    }
  }

  const store: FileStore = {
    capacityBytes,

    async start () {
      await fs.mkdir(filesDir, { recursive: true })
      await fs.mkdir(tmpDir, { recursive: true })
      const leftovers = await emptyDir(tmpDir)
      if (leftovers > 0) logger.info({ leftovers }, 'removed unfinished uploads from a previous run')
      await indexFiles()
      if (options.seedDir != null) await copySeedFiles(options.seedDir, store, logger)
      logger.info({ files: index.size, bytes: storedBytes }, 'storage ready')
    },

    list: async () => [...index.values()],
    count: async () => index.size,
    get: async (name) => index.get(name) ?? null,
    findBySha256: async (sha256) => {
      for (const file of index.values()) if (file.sha256 === sha256) return file
      return null
    },

    async openRead (name, offset, length) {
      const file = pathInside(filesDir, name)
      const stored = index.get(name)
      if (stored == null) throw new PeerError('PEER_NOT_FOUND', `no file named "${name}" here`)
      if (!(length > 0 && offset >= 0 && offset + length <= stored.size)) {
        throw new PeerError('PEER_OUT_OF_RANGE', `bytes ${offset}+${length} are not inside "${name}" (${stored.size} bytes)`)
      }
      const stream = createReadStream(file, { start: offset, end: offset + length - 1, highWaterMark: CHUNK_BYTES })
      await once(stream, 'open')
      return stream as Readable
    },

    freeBytes: async () => freeGiven(await diskFreeBytes(dataDir)),

    async beginUpload (header: UploadRequestHeader) {
      const finalPath = pathInside(filesDir, header.name)
      const [diskFree, onDisk] = await Promise.all([diskFreeBytes(dataDir), exists(finalPath)])
      // From here to the reservation nothing awaits, so two uploads cannot both take the last bytes.
      if (closed) throw new PeerError('PEER_CANCELLED', 'the peer is shutting down')
      if (index.has(header.name) || uploading.has(header.name) || onDisk) {
        throw new PeerError('PEER_FILE_EXISTS', `a file named "${header.name}" is already stored or being uploaded`)
      }
      const free = freeGiven(diskFree)
      if (header.size > free) {
        throw new PeerError('PEER_NO_ROOM', `${header.size} bytes do not fit: ${free} bytes free`)
      }
      uploading.add(header.name)
      reservedBytes += header.size
      let session: UploadSession | null = null
      session = await openUploadSession(header, {
        tmpDir,
        filesDir,
        finalPath,
        publish: add,
        release: () => {
          uploading.delete(header.name)
          reservedBytes -= header.size
          if (session != null) sessions.delete(session)
        }
      })
      sessions.add(session)
      return session
    },

    async close () {
      closed = true
      await Promise.all([...sessions].map(async (session) => { await session.abort() }))
    }
  }
  return store
}

async function exists (file: string): Promise<boolean> {
  try {
    await fs.lstat(file)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}
