// The peer's identity: PEER_ID when configured, else a random id persisted in DATA_DIR/peer-id so a
// restarted peer comes back as itself (and the central merges, rather than duplicates, its files).
import { randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { peerIdSchema } from '@p2p/proto'

export const PEER_ID_FILE = 'peer-id'

export async function loadOrCreatePeerId (dataDir: string, configured?: string): Promise<string> {
  if (configured != null) return configured
  const file = path.join(dataDir, PEER_ID_FILE)
  const existing = await readIfPresent(file)
  if (existing != null) {
    const parsed = peerIdSchema.safeParse(existing.trim())
    if (!parsed.success) throw new Error(`${file} does not hold a valid peer id; fix or delete it`)
    return parsed.data
  }
  const id = `peer-${randomBytes(6).toString('hex')}`
  await fs.mkdir(dataDir, { recursive: true })
  // 'wx': if another process raced us here, keep the id it wrote rather than overwrite it.
  try {
    await fs.writeFile(file, `${id}\n`, { flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return await loadOrCreatePeerId(dataDir)
    throw err
  }
  return id
}

async function readIfPresent (file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}
