// Brings a disk store back at start, before it serves anything: empties tmp/ of unfinished uploads,
// reads the name index and checks every blob against it (see blob-scan.ts), then imports the files/
// folder (legacy-import.ts) and copies in the seed files it lacks (seed.ts). What it finds goes into
// the store's catalog; nothing here runs again once the store is started.
import fs from 'node:fs/promises'
import type { Logger } from 'pino'
import { scanBlobs } from './blob-scan.js'
import type { Catalog } from './catalog.js'
import { emptyDir } from './disk-io.js'
import type { FileStore } from './file-store.js'
import type { StoreLayout } from './layout.js'
import { importLegacyFiles } from './legacy-import.js'
import { loadNameIndex } from './name-index.js'
import { copySeedFiles } from './seed.js'

export interface RecoveryOptions {
  layout: StoreLayout
  catalog: Pick<Catalog, 'adopt' | 'save' | 'get' | 'place'>
  /** The store being started: seed files go in through its upload path. */
  store: Pick<FileStore, 'get' | 'beginUpload'>
  /** A folder whose files are copied in when not already stored. */
  seedDir?: string | undefined
  logger: Pick<Logger, 'info' | 'warn' | 'error'>
}

export async function recoverStore (options: RecoveryOptions): Promise<void> {
  const { layout, catalog, logger } = options
  await fs.mkdir(layout.blobsDir, { recursive: true })
  await fs.mkdir(layout.tmpDir, { recursive: true })
  const leftovers = await emptyDir(layout.tmpDir)
  if (leftovers > 0) logger.info({ leftovers }, 'removed unfinished uploads from a previous run')
  await loadExisting(options)
  await importLegacyFiles(layout, {
    nameRefersTo: (name) => catalog.get(name)?.sha256 ?? null,
    place: async (name, meta, source) => { await catalog.place(name, meta, { path: source, how: 'link' }) }
  }, logger)
  if (options.seedDir != null) await copySeedFiles(options.seedDir, options.store, logger)
}

/** Reads the name index and keeps the names whose content is on disk and still matches its SHA-256. */
async function loadExisting ({ layout, catalog, logger }: RecoveryOptions): Promise<void> {
  const indexExists = await fs.access(layout.indexFile).then(() => true, () => false)
  const blobCount = (await fs.readdir(layout.blobsDir)).length
  if (!indexExists && blobCount > 0) {
    // Every content would look unnamed and be removed: an operator must decide, not this start.
    throw new Error(`${layout.indexFile} is missing but ${layout.blobsDir} is not empty; restore the index from a backup, or remove ${layout.blobsDir} to start empty`)
  }
  const loaded = await loadNameIndex(layout)
  for (const { name, reason } of loaded.refused) logger.warn({ file: name, reason }, 'dropping an invalid entry of the name index')
  const scan = await scanBlobs(layout, { referenced: new Set(loaded.names.values()), logger })
  const dropped = catalog.adopt(scan.blobs, loaded.names)
  if (dropped.length > 0) logger.warn({ files: dropped }, 'no longer serving files whose content is missing or damaged')
  if (!indexExists || dropped.length > 0 || loaded.refused.length > 0) await catalog.save()
  logger.info({ trusted: scan.trusted, rehashed: scan.rehashed, removed: scan.removed }, 'checked stored contents')
}
