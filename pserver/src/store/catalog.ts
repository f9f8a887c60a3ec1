// What the disk store holds, in memory and in step with names.json: the names it serves, the contents
// (blobs) they refer to, and the unique bytes those take. Content is placed and names are removed only
// through here, one at a time, so the index is never written from a stale view.
import fs from 'node:fs/promises'
import { PeerError } from '../errors.js'
import { writeBlobMeta } from './blob-meta.js'
import type { BlobMeta } from './blob-meta.js'
import type { ScannedBlob } from './blob-scan.js'
import { piecesSha256Of } from './content-digest.js'
import { fsyncDir, removeIfPresent } from './disk-io.js'
import type { StoredFile } from './file-store.js'
import type { StoreLayout } from './layout.js'
import { saveNameIndex } from './name-index.js'

/** How placed content arrives: a finished upload's temporary file is renamed, an imported file hard-linked. */
export type ContentSource = { path: string, how: 'rename' | 'link' } | null

export interface Catalog {
  get: (name: string) => StoredFile | null
  list: () => StoredFile[]
  /** A file of some name that refers to content `sha256`, or null when that content is not stored. */
  findBySha256: (sha256: string) => StoredFile | null
  /** The size of stored content `sha256`, or null when it is not stored. */
  sizeOf: (sha256: string) => number | null
  nameCount: () => number
  contentCount: () => number
  /** Unique bytes stored: content named twice counts once. */
  storedBytes: () => number
  /**
   * Takes in what a start found on disk: `blobs` (sha256 -> size and piece table digest) that can be
   * served, and the index's `names` (name -> sha256). Returns the names dropped because their content
   * is not among the blobs.
   */
  adopt: (blobs: ReadonlyMap<string, ScannedBlob>, names: ReadonlyMap<string, string>) => string[]
  /** Writes the index as it is now (after adopt changed what the file on disk says). */
  save: () => Promise<void>
  /** Stores `meta`'s content (from `source` unless already stored) and names it `name`, durably. */
  place: (name: string, meta: BlobMeta, source: ContentSource) => Promise<StoredFile>
  /** Takes `name` away if it still refers to `sha256`; the content goes once no name refers to it. */
  remove: (name: string, sha256: string) => Promise<boolean>
}

interface Blob {
  size: number
  piecesSha256: string
  /** Every name that refers to this content. */
  names: Set<string>
}

export function createCatalog (layout: StoreLayout): Catalog {
  const names = new Map<string, string>()
  const blobs = new Map<string, Blob>()
  let storedBytes = 0
  // Placing content and saving the index happen one at a time, so the index is never written from a stale view.
  let placing: Promise<unknown> = Promise.resolve()

  function serialized<T> (task: () => Promise<T>): Promise<T> {
    const run = placing.then(task, task)
    placing = run.catch(() => {})
    return run
  }

  function addBlob (sha256: string, { size, piecesSha256 }: ScannedBlob): Blob {
    const blob = { size, piecesSha256, names: new Set<string>() }
    blobs.set(sha256, blob)
    storedBytes += size
    return blob
  }

  function fileOf (name: string, sha256: string): StoredFile {
    const blob = blobs.get(sha256)
    return { name, size: blob?.size ?? 0, sha256, ...(blob != null ? { piecesSha256: blob.piecesSha256 } : {}) }
  }

  async function forgetBlob (sha256: string): Promise<void> {
    const blob = blobs.get(sha256)
    if (blob == null) return
    blobs.delete(sha256)
    storedBytes -= blob.size
    await removeIfPresent(layout.blobPath(sha256)).catch(() => false)
    await removeIfPresent(layout.metaPath(sha256)).catch(() => false)
  }

  async function place (name: string, meta: BlobMeta, source: ContentSource): Promise<StoredFile> {
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
        blob = addBlob(meta.sha256, { size: meta.size, piecesSha256: piecesSha256Of(meta) })
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

  async function remove (name: string, sha256: string): Promise<boolean> {
    return await serialized(async () => {
      if (names.get(name) !== sha256) return false
      names.delete(name)
      const blob = blobs.get(sha256)
      blob?.names.delete(name)
      // The index no longer names it before its bytes go, so a crash in between leaves an unnamed
      // blob (removed at the next start), never a name without its content.
      await saveNameIndex(layout, names)
      if (blob != null && blob.names.size === 0) await forgetBlob(sha256)
      return true
    })
  }

  return {
    get (name) {
      const sha256 = names.get(name)
      return sha256 == null ? null : fileOf(name, sha256)
    },
    list: () => [...names].map(([name, sha256]) => fileOf(name, sha256)),
    findBySha256 (sha256) {
      const first = blobs.get(sha256)?.names.values().next()
      return first == null || first.done === true ? null : fileOf(first.value, sha256)
    },
    sizeOf: (sha256) => blobs.get(sha256)?.size ?? null,
    nameCount: () => names.size,
    contentCount: () => blobs.size,
    storedBytes: () => storedBytes,

    adopt (scanned, indexed) {
      const dropped: string[] = []
      for (const [sha256, blob] of scanned) addBlob(sha256, blob)
      for (const [name, sha256] of indexed) {
        const blob = blobs.get(sha256)
        if (blob == null) {
          dropped.push(name)
          continue
        }
        names.set(name, sha256)
        blob.names.add(name)
      }
      return dropped
    },
    save: async () => { await serialized(async () => { await saveNameIndex(layout, names) }) },
    place,
    remove
  }
}
