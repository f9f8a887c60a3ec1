// Start-up check of blobs/: trusts each blob's metadata when it still matches the blob's size and
// mtime, hashes the blob again (streaming) when it does not, and removes what cannot be served: blobs
// whose content no longer matches their name, blobs no name refers to (an upload interrupted while
// being placed) and metadata without a blob.
import fs from 'node:fs/promises'
import type { Logger } from 'pino'
import { blobStamp, metaIsCurrent, readBlobMeta, writeBlobMeta } from './blob-meta.js'
import { digestFile, piecesSha256Of } from './content-digest.js'
import { removeIfPresent } from './disk-io.js'
import { META_SUFFIX, isSha256 } from './layout.js'
import type { StoreLayout } from './layout.js'

/** A blob that can be served: its size and the SHA-256 of its piece table. */
export interface ScannedBlob {
  size: number
  piecesSha256: string
}

export interface ScanResult {
  /** sha256 -> every blob that can be served. */
  blobs: Map<string, ScannedBlob>
  trusted: number
  rehashed: number
  removed: number
}

export interface ScanOptions {
  /** The digests the name index refers to; every other blob is removed. */
  referenced: ReadonlySet<string>
  logger: Pick<Logger, 'info' | 'warn' | 'error'>
}

export async function scanBlobs (layout: StoreLayout, options: ScanOptions): Promise<ScanResult> {
  const { referenced, logger } = options
  const result: ScanResult = { blobs: new Map(), trusted: 0, rehashed: 0, removed: 0 }
  const blobs: string[] = []
  const metas = new Set<string>()
  for (const entry of await fs.readdir(layout.blobsDir, { withFileTypes: true })) {
    if (entry.isFile() && isSha256(entry.name)) blobs.push(entry.name)
    else if (entry.isFile() && entry.name.endsWith(META_SUFFIX) && isSha256(entry.name.slice(0, -META_SUFFIX.length))) metas.add(entry.name.slice(0, -META_SUFFIX.length))
    else logger.warn({ entry: entry.name }, 'ignoring an unexpected entry of blobs/')
  }

  const remove = async (sha256: string): Promise<void> => {
    await removeIfPresent(layout.blobPath(sha256))
    await removeIfPresent(layout.metaPath(sha256))
    result.removed++
  }

  for (const sha256 of blobs) {
    metas.delete(sha256)
    if (!referenced.has(sha256)) {
      logger.info({ sha256 }, 'removing stored content that no name refers to (an upload interrupted while being placed)')
      await remove(sha256)
      continue
    }
    const file = layout.blobPath(sha256)
    const stamp = await blobStamp(file)
    const meta = await readBlobMeta(layout, sha256)
    if (meta != null && metaIsCurrent(meta, stamp)) {
      result.trusted++
      result.blobs.set(sha256, { size: meta.size, piecesSha256: piecesSha256Of(meta) })
      continue
    }
    const digest = await digestFile(file)
    result.rehashed++
    if (digest.sha256 !== sha256) {
      logger.error({ sha256, actual: digest.sha256 }, 'stored content no longer matches its SHA-256 (changed on disk); removing it')
      await remove(sha256)
      continue
    }
    await writeBlobMeta(layout, { ...digest, mtimeNs: stamp.mtimeNs })
    result.blobs.set(sha256, { size: digest.size, piecesSha256: piecesSha256Of(digest) })
  }

  for (const sha256 of metas) await removeIfPresent(layout.metaPath(sha256))
  return result
}
