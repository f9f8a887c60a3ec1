// One upload in progress on disk. Bytes are hashed (whole and per piece, on the hash worker) and
// queued to a temporary file under tmp/ in the same pass as they arrive; commit checks the sender's end message against what
// arrived, fsyncs, and hands the verified content to the store to place and name. Every way out that
// is not a successful commit removes the temporary file.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { releaseSoleView } from '@p2p/proto'
import { PeerError } from '../errors.js'
import type { BlobMeta } from './blob-meta.js'
import type { StoredFile, UploadEnd, UploadRequestHeader, UploadSession } from './file-store.js'
import type { PieceHasher } from './hash-worker.js'
import { createWriteQueue } from './write-queue.js'

/**
 * Most bytes of one upload waiting for the disk; beyond it the sender is paced by the disk. Two MiB
 * (eight chunks) keep a writev batching several chunks while the next ones arrive; every byte more
 * is memory each concurrent upload holds at the peak.
 */
export const UPLOAD_WRITE_BEHIND_BYTES = 2 * 1024 * 1024

/**
 * The disk is asked to write back what arrived (fdatasync, in the background) every this many bytes,
 * so the fsync of the commit only waits for the last few MiB instead of the whole file: otherwise the
 * page cache holds everything until the end and the answer waits for the whole write-back.
 */
export const UPLOAD_SYNC_EVERY_BYTES = 64 * 1024 * 1024

/** Opens a new temporary file; fs.open unless a test slows the disk down. */
export type OpenFile = (file: string, flags: string) => Promise<FileHandle>

export interface UploadSessionContext {
  tmpDir: string
  /** Hashes the content as it arrives; owned by the session from here on. */
  hasher: PieceHasher
  openFile?: OpenFile | undefined
  /** False when the content is known to be stored already: the bytes are only verified, never written. */
  keepBytes: boolean
  /** Places the verified content (the temporary file, or nothing when keepBytes is false) and names it. */
  publish: (meta: BlobMeta, tmpPath: string | null) => Promise<StoredFile>
  /** Gives back the name and the reserved bytes; called exactly once, however the session ends. */
  release: () => void
}

type State = 'open' | 'committing' | 'committed' | 'aborted'

export async function openUploadSession (header: UploadRequestHeader, ctx: UploadSessionContext): Promise<UploadSession> {
  const { hasher } = ctx
  const tmpPath = ctx.keepBytes ? path.join(ctx.tmpDir, `${randomUUID()}.part`) : null
  let handle: FileHandle | null = null
  if (tmpPath != null) {
    try {
      handle = await (ctx.openFile ?? fs.open)(tmpPath, 'wx')
    } catch (err) {
      hasher.abort()
      ctx.release()
      throw err
    }
  }
  const file = handle
  let unsynced = 0
  let syncing: Promise<void> | null = null
  let syncFailure: { error: unknown } | null = null
  const queue = createWriteQueue(async (chunks) => {
    if (file == null) return
    unsynced += await writeAll(file, chunks)
    // On disk (and hashed from a copy): a chunk that holds a received message's buffer alone is freed now.
    for (const chunk of chunks) releaseSoleView(chunk)
    if (unsynced >= UPLOAD_SYNC_EVERY_BYTES && syncing == null) {
      unsynced = 0
      syncing = file.datasync().catch((error: unknown) => { syncFailure ??= { error } }).finally(() => { syncing = null })
    }
  }, UPLOAD_WRITE_BEHIND_BYTES)
  let written = 0
  let state: State = 'open'
  let handleOpen = handle != null
  let commitPromise: Promise<StoredFile> | null = null

  async function closeHandle (): Promise<void> {
    if (!handleOpen || handle == null) return
    handleOpen = false
    // Let queued writes and a background sync settle first, so the unlink below cannot race them.
    await queue.flush().catch(() => {})
    await syncing
    await handle.close()
  }

  async function discard (): Promise<void> {
    if (state === 'aborted' || state === 'committed') return
    state = 'aborted'
    hasher.abort()
    try {
      await closeHandle().catch(() => {})
      if (tmpPath != null) await fs.rm(tmpPath, { force: true })
    } finally {
      ctx.release()
    }
  }

  function assertOpen (): void {
    if (state !== 'open') throw new PeerError('PEER_CANCELLED', 'the upload was aborted')
  }

  async function commit (end: UploadEnd): Promise<StoredFile> {
    try {
      if (end.size !== written) {
        throw new PeerError('PEER_SIZE_MISMATCH', `the sender counted ${end.size} bytes but ${written} arrived`)
      }
      if (!header.sizeIsMaximum && written !== header.size) {
        throw new PeerError('PEER_SIZE_MISMATCH', `announced ${header.size} bytes but received ${written}`)
      }
      const digest = await hasher.digest()
      for (const expected of [end.sha256, header.sha256]) {
        if (expected != null && expected !== digest.sha256) {
          throw new PeerError('PEER_HASH_MISMATCH', `the content's SHA-256 is ${digest.sha256}, not the announced ${expected}`)
        }
      }
      let mtimeNs = 0n
      if (handle != null) {
        await queue.flush()
        await syncing
        if (syncFailure != null) throw syncFailure.error
        await handle.sync()
        mtimeNs = (await handle.stat({ bigint: true })).mtimeNs
        await closeHandle()
      }
      const stored = await ctx.publish({ ...digest, mtimeNs }, tmpPath)
      state = 'committed'
      ctx.release()
      return stored
    } catch (err) {
      await discard()
      throw err
    }
  }

  return {
    name: header.name,
    async write (chunk) {
      assertOpen()
      if (written + chunk.length > header.size) {
        throw new PeerError('PEER_SIZE_MISMATCH', `more than the announced ${header.size} bytes were sent`)
      }
      written += chunk.length
      // Hashing (on the worker) and writing (in the thread pool) run side by side.
      await Promise.all([hasher.update(chunk), handle != null ? queue.write(chunk) : undefined])
    },
    async commit (end) {
      assertOpen()
      state = 'committing'
      commitPromise = commit(end)
      return await commitPromise
    },
    async abort () {
      if (state === 'committing' && commitPromise != null) {
        await commitPromise.catch(() => {})
        return
      }
      await discard()
    }
  }
}

/** Writes every byte of `chunks` at the end of `handle` (writev may write less than asked); returns the count. */
async function writeAll (handle: FileHandle, chunks: Uint8Array[]): Promise<number> {
  let total = 0
  for (const chunk of chunks) total += chunk.length
  let pending = chunks
  while (pending.length > 0) {
    let { bytesWritten } = await handle.writev(pending)
    if (bytesWritten === 0) throw new Error('the disk accepted no bytes')
    const rest: Uint8Array[] = []
    for (const chunk of pending) {
      if (bytesWritten >= chunk.length) {
        bytesWritten -= chunk.length
      } else {
        rest.push(bytesWritten === 0 ? chunk : chunk.subarray(bytesWritten))
        bytesWritten = 0
      }
    }
    pending = rest
  }
  return total
}
