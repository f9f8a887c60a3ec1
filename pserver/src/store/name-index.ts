// The durable name index (names.json): which content each stored name refers to. It is the one
// place a name becomes visible, so it is always replaced whole and atomically (tmp + fsync + rename).
import fs from 'node:fs/promises'
import { storableNameProblem, writeFileDurably } from './disk-io.js'
import { isSha256 } from './layout.js'
import type { StoreLayout } from './layout.js'

const FORMAT = 1

export interface LoadedIndex {
  /** name -> sha256, in the order of the file. */
  names: Map<string, string>
  /** Entries that were refused (bad name or digest), with why. */
  refused: Array<{ name: string, reason: string }>
}

/** Reads the index; a missing one is empty. An unreadable one is an error: nothing is guessed or removed. */
export async function loadNameIndex (layout: Pick<StoreLayout, 'indexFile'>): Promise<LoadedIndex> {
  let text: string
  try {
    text = await fs.readFile(layout.indexFile, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { names: new Map(), refused: [] }
    throw err
  }
  const unreadable = (why: string): Error =>
    new Error(`${layout.indexFile} is not a valid name index (${why}); restore it from a backup or remove it together with the blobs folder`)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw unreadable((err as Error).message)
  }
  if (typeof parsed !== 'object' || parsed == null || (parsed as { format?: unknown }).format !== FORMAT) throw unreadable(`not format ${FORMAT}`)
  const files = (parsed as { files?: unknown }).files
  if (typeof files !== 'object' || files == null || Array.isArray(files)) throw unreadable('no files object')
  const names = new Map<string, string>()
  const refused: LoadedIndex['refused'] = []
  // Object.entries, not a schema: a name such as "__proto__" must stay an ordinary entry.
  for (const [name, sha256] of Object.entries(files)) {
    const problem = storableNameProblem(name) ?? (typeof sha256 === 'string' && isSha256(sha256) ? null : 'not a sha256')
    if (problem != null) refused.push({ name, reason: problem })
    else names.set(name, sha256 as string)
  }
  return { names, refused }
}

/** Replaces the index with `names`, atomically and durably. Callers serialise their saves. */
export async function saveNameIndex (layout: Pick<StoreLayout, 'indexFile' | 'tmpDir'>, names: ReadonlyMap<string, string>): Promise<void> {
  const files: Record<string, string> = {}
  for (const [name, sha256] of names) Object.defineProperty(files, name, { value: sha256, enumerable: true, writable: true, configurable: true })
  await writeFileDurably(layout.indexFile, JSON.stringify({ format: FORMAT, files }, null, 1) + '\n', layout.tmpDir)
}
