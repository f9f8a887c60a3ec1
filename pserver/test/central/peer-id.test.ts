import fs from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { peerIdSchema } from '@p2p/proto'
import { loadOrCreatePeerId } from '../../src/central/peer-id.js'
import { makeTempDir } from '../helpers.js'

let dir: string
beforeEach(async () => { dir = await makeTempDir() })
afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }) })

describe('loadOrCreatePeerId', () => {
  it('creates a valid id once and keeps it across restarts', async () => {
    const dataDir = path.join(dir, 'data')
    const first = await loadOrCreatePeerId(dataDir)
    expect(peerIdSchema.safeParse(first).success).toBe(true)
    expect((await fs.readFile(path.join(dataDir, 'peer-id'), 'utf8')).trim()).toBe(first)
    expect(await loadOrCreatePeerId(dataDir)).toBe(first)
  })

  it('prefers a configured id and does not persist it', async () => {
    expect(await loadOrCreatePeerId(dir, 'peer-configured')).toBe('peer-configured')
    expect(await fs.readdir(dir)).toEqual([])
  })

  it('refuses a corrupt id file', async () => {
    await fs.writeFile(path.join(dir, 'peer-id'), 'not a valid id!\n')
    await expect(loadOrCreatePeerId(dir)).rejects.toThrow(/peer-id/)
  })
})
