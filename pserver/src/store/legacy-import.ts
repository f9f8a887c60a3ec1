// Imports the files/ folder of the old one-file-per-name layout (and anything an operator dropped
// there) at start: each valid file is hashed, hard-linked into blobs/ (no copy), named in the index,
// and only then unlinked from files/, so a crash at any step loses nothing (the next start finishes it).
import fs from 'node:fs/promises'
import type { Logger } from 'pino'
import { blobStamp } from './blob-meta.js'
import type { BlobMeta } from './blob-meta.js'
import { digestFile } from './content-digest.js'
import { pathInside, removeIfPresent, storableNameProblem } from './disk-io.js'
import type { StoreLayout } from './layout.js'

export interface LegacyImportTarget {
  /** The sha256 the name refers to, or null when the name is free. */
  nameRefersTo: (name: string) => string | null
  /** Places the content by hard-linking `source` (unless already stored) and names it durably. */
  place: (name: string, meta: BlobMeta, source: string) => Promise<void>
}

export async function importLegacyFiles (layout: Pick<StoreLayout, 'legacyFilesDir'>, target: LegacyImportTarget, logger: Pick<Logger, 'info' | 'warn'>): Promise<number> {
  let entries
  try {
    entries = await fs.readdir(layout.legacyFilesDir, { withFileTypes: true })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw err
  }
  let imported = 0
  for (const entry of entries) {
    const name = entry.name
    const problem = storableNameProblem(name)
    if (problem != null) {
      logger.warn({ file: name, reason: problem }, 'skipping a file of files/ with an invalid name')
      continue
    }
    if (!entry.isFile()) {
      logger.warn({ file: name }, 'skipping an entry of files/ that is not a regular file')
      continue
    }
    const source = pathInside(layout.legacyFilesDir, name)
    try {
      const stamp = await blobStamp(source)
      const digest = await digestFile(source)
      const existing = target.nameRefersTo(name)
      if (existing === digest.sha256) {
        await removeIfPresent(source) // imported before a crash stopped it from removing the file
      } else if (existing != null) {
        logger.warn({ file: name }, 'a different file of that name is stored; leaving this one in files/')
      } else {
        await target.place(name, { ...digest, mtimeNs: stamp.mtimeNs }, source)
        await removeIfPresent(source)
        imported++
      }
    } catch (err) {
      // e.g. files/ on another file system than blobs/ (no hard link possible): the file stays put.
      logger.warn({ file: name, reason: (err as Error).message }, 'could not import a file of files/; leaving it there')
    }
  }
  await fs.rmdir(layout.legacyFilesDir).catch(() => {}) // only when it is empty now
  if (imported > 0) logger.info({ imported }, 'imported files from files/ into content-addressed storage')
  return imported
}
