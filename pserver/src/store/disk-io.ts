// Small file-system helpers of the disk store: where a name may live, streaming hashes, fsync.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { CHUNK_BYTES, fileNameProblem } from '@p2p/proto'
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

/** Size and SHA-256 of a file, read in CHUNK_BYTES pieces (never the whole file at once). */
export async function hashFile (file: string): Promise<{ size: number, sha256: string }> {
  const hash = createHash('sha256')
  let size = 0
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES })) {
    const buffer = chunk as Buffer
    hash.update(buffer)
    size += buffer.length
  }
  return { size, sha256: hash.digest('hex') }
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
