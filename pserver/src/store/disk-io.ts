// Small file-system helpers of the disk store: name checks, fsync, durable small writes.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { fileNameProblem } from '@p2p/proto'
import { PeerError } from '../errors.js'

/**
 * The path of `name` inside `dir`. Names are validated at the edge already; this is the second
 * line of defence: anything that is not a plain, NFC-normalised name resolving to a direct child
 * of `dir` is refused.
 */
export function pathInside (dir: string, name: string): string {
  const problem = storableNameProblem(name)
  if (problem != null) throw new PeerError('PEER_BAD_REQUEST', problem)
  const root = path.resolve(dir)
  const resolved = path.resolve(root, name)
  if (path.dirname(resolved) !== root || path.basename(resolved) !== name) {
    throw new PeerError('PEER_BAD_REQUEST', 'a file name must not lead outside the storage folder')
  }
  return resolved
}

/** Why `name` cannot name a stored file, or null. Stricter than the edge: names arrive NFC-normalised. */
export function storableNameProblem (name: string): string | null {
  return fileNameProblem(name) ?? (name.normalize('NFC') === name ? null : 'a file name must be NFC-normalised')
}

/** Makes a rename inside `dir` durable. */
export async function fsyncDir (dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Deletes everything inside `dir`, keeping `dir` itself. */
export async function emptyDir (dir: string): Promise<number> {
  const entries = await fs.readdir(dir)
  await Promise.all(entries.map(async (entry) => { await fs.rm(path.join(dir, entry), { recursive: true, force: true }) }))
  return entries.length
}

/** Free bytes on the file system holding `dir`, for an unprivileged writer. */
export async function diskFreeBytes (dir: string): Promise<number> {
  const stats = await fs.statfs(dir)
  return Math.min(Number.MAX_SAFE_INTEGER, stats.bavail * stats.bsize)
}

/**
 * Replaces `file` with `data` atomically and durably: written to a temporary file in `tmpDir` (same
 * file system), fsynced, renamed over `file`, and the folder fsynced. A crash leaves the old or the new
 * content, never a mix; a leftover temporary file is removed when tmp/ is emptied at start.
 */
export async function writeFileDurably (file: string, data: string | Uint8Array, tmpDir: string): Promise<void> {
  const tmp = path.join(tmpDir, `${randomUUID()}.write`)
  try {
    const handle = await fs.open(tmp, 'wx')
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await fs.rename(tmp, file)
  } catch (err) {
    await fs.rm(tmp, { force: true })
    throw err
  }
  await fsyncDir(path.dirname(file))
}

/** Removes a file; true when it was there. */
export async function removeIfPresent (file: string): Promise<boolean> {
  try {
    await fs.unlink(file)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}
