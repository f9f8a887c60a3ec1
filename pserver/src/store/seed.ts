// Copies the files of a seed folder into a store at start, through the same upload path as any
// upload (tmp file, hashes, fsync, rename, index), so a crash mid-copy leaves nothing half-visible and
// a seed whose bytes are already stored under another name takes no second copy.
import { createReadStream } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Logger } from 'pino'
import { storableNameProblem } from './disk-io.js'
import type { FileStore } from './file-store.js'

/** Bytes per read of a seed file. */
const SEED_READ_BYTES = 1024 * 1024

export async function copySeedFiles (seedDir: string, store: Pick<FileStore, 'get' | 'beginUpload'>, logger: Pick<Logger, 'info' | 'warn'>): Promise<void> {
  let names: string[]
  try {
    names = await fs.readdir(seedDir)
  } catch (err) {
    logger.warn({ seedDir, reason: (err as Error).message }, 'cannot read the seed folder; no files seeded')
    return
  }
  for (const name of names) {
    const problem = storableNameProblem(name)
    if (problem != null) {
      logger.warn({ file: name, reason: problem }, 'skipping a seed file with an invalid name')
      continue
    }
    if (await store.get(name) != null) continue
    const source = path.join(seedDir, name)
    try {
      // stat, not lstat: the operator chose these files, a symlink to a file is fine.
      const stats = await fs.stat(source)
      if (!stats.isFile()) continue
      await copyOne(source, name, stats.size, store)
      logger.info({ file: name, size: stats.size }, 'seeded a file')
    } catch (err) {
      logger.warn({ file: name, reason: (err as Error).message }, 'could not seed a file')
    }
  }
}

async function copyOne (source: string, name: string, size: number, store: Pick<FileStore, 'beginUpload'>): Promise<void> {
  const session = await store.beginUpload({ name, size, sizeIsMaximum: false, sha256: null })
  try {
    let copied = 0
    for await (const chunk of createReadStream(source, { highWaterMark: SEED_READ_BYTES })) {
      await session.write(chunk as Buffer)
      copied += (chunk as Buffer).length
    }
    await session.commit({ size: copied, sha256: null })
  } catch (err) {
    await session.abort()
    throw err
  }
}
