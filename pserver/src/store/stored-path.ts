// Public helper (package entry `@p2p/pserver/stored-path`): where a pserver keeps the bytes of a
// file, found from outside the running service, for tests, the benchmark and tools that look at a
// peer's disk. It reads names.json the way the store writes it (see layout.ts); the service itself
// never needs it.
import fs from 'node:fs/promises'
import { sha256Schema } from '@p2p/proto'
import { storeLayout } from './layout.js'

/**
 * The on-disk path of the bytes stored under `name` in `dataDir`, or null when no such name is
 * stored. For tests and tools that look at a peer's disk from outside (the service never needs it).
 */
export async function storedPathOf (dataDir: string, name: string): Promise<string | null> {
  const layout = storeLayout(dataDir)
  let text: string
  try {
    text = await fs.readFile(layout.indexFile, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  const files = (JSON.parse(text) as { files?: Record<string, unknown> }).files ?? {}
  const sha256 = Object.hasOwn(files, name) ? files[name] : undefined
  return typeof sha256 === 'string' && sha256Schema.safeParse(sha256).success ? layout.blobPath(sha256) : null
}
