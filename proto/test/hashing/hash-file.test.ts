import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashFile } from '../../src/hashing/hash-file.js'
import { expectedResult } from './digests.js'

let dir: string
beforeAll(async () => { dir = await mkdtemp(path.join(tmpdir(), 'hash-file-')) })
afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

describe('hashFile', () => {
  it.each([0, 1, 4096, 10_001])('hashes a file of %d bytes whole and by piece, read in small parts', async (size) => {
    const data = randomBytes(size)
    const file = path.join(dir, `file-${size}`)
    await writeFile(file, data)
    expect(await hashFile(file, { pieceBytes: 1000, readBytes: 777 })).toEqual(expectedResult(data, 1000))
  })

  it('fails for a file that is not there', async () => {
    await expect(hashFile(path.join(dir, 'missing'), { pieceBytes: 1000 })).rejects.toThrow(/ENOENT/)
  })
})
