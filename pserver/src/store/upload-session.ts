// One upload in progress on disk: bytes go to a temporary file under tmp/ while they are hashed and
// counted; commit checks size and hash, fsyncs, renames into files/ and fsyncs the folder. Every way
// out that is not a successful commit removes the temporary file.
import { createHash, randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { PeerError } from '../errors.js'
import { fsyncDir } from './disk-io.js'
import type { StoredFile, UploadRequestHeader, UploadSession } from './file-store.js'

export interface UploadSessionContext {
  tmpDir: string
  filesDir: string
  /** The final path of the file (already checked to lie inside filesDir). */
  finalPath: string
  /** Makes the committed file visible; called right before release(). */
  publish: (file: StoredFile) => void
  /** Gives back the name and the reserved bytes; called exactly once, however the session ends. */
  release: () => void
}

type State = 'open' | 'committing' | 'committed' | 'aborted'

export async function openUploadSession (header: UploadRequestHeader, ctx: UploadSessionContext): Promise<UploadSession> {
  const tmpPath = path.join(ctx.tmpDir, `${randomUUID()}.part`)
  let handle: FileHandle
  try {
    handle = await fs.open(tmpPath, 'wx')
  } catch (err) {
    ctx.release()
    throw err
  }

  const hash = createHash('sha256')
  let written = 0
  let state: State = 'open'
  let handleOpen = true
  let commitPromise: Promise<StoredFile> | null = null

  async function discard (): Promise<void> {
    if (state === 'aborted' || state === 'committed') return
    state = 'aborted'
    try {
      if (handleOpen) {
        handleOpen = false
        // close() waits for a write in flight, so the unlink below cannot race it.
        await handle.close().catch(() => {})
      }
      await fs.rm(tmpPath, { force: true })
    } finally {
      ctx.release()
    }
  }

  function assertOpen (): void {
    if (state !== 'open') throw new PeerError('PEER_CANCELLED', 'the upload was aborted')
  }

  async function commit (): Promise<StoredFile> {
    try {
      if (!header.sizeIsMaximum && written !== header.size) {
        throw new PeerError('PEER_SIZE_MISMATCH', `announced ${header.size} bytes but received ${written}`)
      }
      const sha256 = hash.digest('hex')
      if (header.sha256 != null && sha256 !== header.sha256) {
        throw new PeerError('PEER_HASH_MISMATCH', `the content's SHA-256 is ${sha256}, not the announced ${header.sha256}`)
      }
      await handle.sync()
      handleOpen = false
      await handle.close()
      await fs.rename(tmpPath, ctx.finalPath)
      try {
        await fsyncDir(ctx.filesDir)
      } catch (err) {
        await fs.rm(ctx.finalPath, { force: true })
        throw err
      }
      const file: StoredFile = { name: header.name, size: written, sha256 }
      state = 'committed'
      ctx.publish(file)
      ctx.release()
      return file
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
      hash.update(chunk)
      let offset = 0
      while (offset < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset)
        offset += bytesWritten
      }
      written += chunk.length
    },
    async commit () {
      assertOpen()
      state = 'committing'
      commitPromise = commit()
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
