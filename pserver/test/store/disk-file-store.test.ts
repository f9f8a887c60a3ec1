import fs from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PeerError } from '../../src/errors.js'
import { createDiskFileStore } from '../../src/store/disk-file-store.js'
import { pathInside } from '../../src/store/disk-io.js'
import { captureLogger, listDir, makeTempDir, sha256, silentLogger } from '../helpers.js'

let root: string
let dataDir: string
let seedDir: string

beforeEach(async () => {
  root = await makeTempDir()
  dataDir = path.join(root, 'data')
  seedDir = path.join(root, 'seed')
  await fs.mkdir(path.join(dataDir, 'files'), { recursive: true })
  await fs.mkdir(path.join(dataDir, 'tmp'), { recursive: true })
  await fs.mkdir(seedDir)
})

afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true })
})

async function rejection (promise: Promise<unknown>): Promise<PeerError> {
  try {
    await promise
  } catch (err) {
    if (err instanceof PeerError) return err
    throw err
  }
  throw new Error('expected a rejection')
}

describe('disk file store start', () => {
  it('creates its folders in an empty data dir', async () => {
    const fresh = path.join(root, 'fresh')
    const store = createDiskFileStore({ dataDir: fresh, capacityBytes: 1000, logger: silentLogger })
    await store.start()
    expect(await listDir(fresh)).toEqual(['files', 'tmp'])
    expect(await store.list()).toEqual([])
  })

  it('indexes stored files with their size and sha256 and removes leftovers in tmp/', async () => {
    const big = Buffer.alloc(700 * 1024, 7) // more than one CHUNK_BYTES read
    await fs.writeFile(path.join(dataDir, 'files', 'a.txt'), 'hello')
    await fs.writeFile(path.join(dataDir, 'files', 'big.bin'), big)
    await fs.writeFile(path.join(dataDir, 'tmp', 'crashed.part'), 'partial')
    await fs.mkdir(path.join(dataDir, 'tmp', 'stray-dir'))
    const store = createDiskFileStore({ dataDir, capacityBytes: 10 ** 9, logger: silentLogger })
    await store.start()
    const files = (await store.list()).sort((a, b) => a.name.localeCompare(b.name))
    expect(files).toEqual([
      { name: 'a.txt', size: 5, sha256: sha256('hello') },
      { name: 'big.bin', size: big.length, sha256: sha256(big) }
    ])
    expect(await listDir(path.join(dataDir, 'tmp'))).toEqual([])
    expect(await store.findBySha256(sha256(big))).toEqual(files[1])
    expect(await store.count()).toBe(2)
  })

  it('skips, with a warning, stored entries whose name is invalid or that are not regular files', async () => {
    await fs.writeFile(path.join(dataDir, 'files', 'good.txt'), 'ok')
    await fs.writeFile(path.join(dataDir, 'files', 'line\nbreak'), 'x')
    await fs.writeFile(path.join(dataDir, 'files', ' padded'), 'x')
    await fs.writeFile(path.join(dataDir, 'files', 'cafe\u0301'), 'x') // not NFC
    await fs.mkdir(path.join(dataDir, 'files', 'subdir'))
    const { logger, lines } = captureLogger()
    const store = createDiskFileStore({ dataDir, capacityBytes: 10 ** 9, logger })
    await store.start()
    expect((await store.list()).map((f) => f.name)).toEqual(['good.txt'])
    const skipped = lines.filter((line) => line.level === 40).map((line) => line.file)
    expect(skipped.sort()).toEqual([' padded', 'cafe\u0301', 'line\nbreak', 'subdir'])
  })

  it('copies seed files that are not stored yet, keeps stored ones, and skips invalid seed names', async () => {
    await fs.writeFile(path.join(dataDir, 'files', 'shared.txt'), 'already here')
    await fs.writeFile(path.join(seedDir, 'shared.txt'), 'seed version')
    await fs.writeFile(path.join(seedDir, 'new.txt'), 'from the seed')
    await fs.writeFile(path.join(seedDir, 'bad\u0007name'), 'x')
    const { logger, lines } = captureLogger()
    const store = createDiskFileStore({ dataDir, capacityBytes: 10 ** 9, seedDir, logger })
    await store.start()
    expect(await store.get('new.txt')).toEqual({ name: 'new.txt', size: 13, sha256: sha256('from the seed') })
    expect(await fs.readFile(path.join(dataDir, 'files', 'new.txt'), 'utf8')).toBe('from the seed')
    expect(await store.get('shared.txt')).toMatchObject({ sha256: sha256('already here') })
    expect(await fs.readFile(path.join(dataDir, 'files', 'shared.txt'), 'utf8')).toBe('already here')
    expect(await store.get('bad\u0007name')).toBeNull()
    expect(lines.some((line) => line.level === 40 && line.file === 'bad\u0007name')).toBe(true)
    expect(await listDir(path.join(dataDir, 'tmp'))).toEqual([])
  })

  it('starts without its seeds when the seed folder is missing', async () => {
    const store = createDiskFileStore({ dataDir, capacityBytes: 1000, seedDir: path.join(root, 'nope'), logger: silentLogger })
    await store.start()
    expect(await store.count()).toBe(0)
  })
})

describe('disk file store paths', () => {
  it('refuses names that would leave files/', () => {
    const dir = path.join(root, 'files')
    expect(pathInside(dir, 'ok.txt')).toBe(path.join(dir, 'ok.txt'))
    for (const name of ['..', '.', '../peer-id', 'a/b', '/etc/passwd', 'a\\b', '', '\uff0e\uff0e']) {
      expect(() => pathInside(dir, name), name).toThrow(PeerError)
    }
  })

  it('never opens or creates a file outside files/', async () => {
    await fs.writeFile(path.join(dataDir, 'secret'), 'outside')
    const store = createDiskFileStore({ dataDir, capacityBytes: 1000, logger: silentLogger })
    await store.start()
    expect((await rejection(store.openRead('../secret', 0, 1))).code).toBe('PEER_BAD_REQUEST')
    expect((await rejection(store.beginUpload({ name: '../escape', size: 1, sizeIsMaximum: false, sha256: null }))).code).toBe('PEER_BAD_REQUEST')
    expect(await listDir(dataDir)).toEqual(['files', 'secret', 'tmp'])
  })
})

describe('disk file store uploads', () => {
  it('reserves the announced size while an upload runs and gives it back on abort', async () => {
    const store = createDiskFileStore({ dataDir, capacityBytes: 1000, logger: silentLogger })
    await store.start()
    const session = await store.beginUpload({ name: 'x', size: 600, sizeIsMaximum: false, sha256: null })
    expect(await store.freeBytes()).toBe(400)
    expect((await rejection(store.beginUpload({ name: 'y', size: 401, sizeIsMaximum: false, sha256: null }))).code).toBe('PEER_NO_ROOM')
    expect((await rejection(store.beginUpload({ name: 'x', size: 1, sizeIsMaximum: false, sha256: null }))).code).toBe('PEER_FILE_EXISTS')
    await session.write(Buffer.alloc(10))
    expect(await listDir(path.join(dataDir, 'tmp'))).toHaveLength(1)
    await session.abort()
    expect(await store.freeBytes()).toBe(1000)
    expect(await listDir(path.join(dataDir, 'tmp'))).toEqual([])
    expect(await store.get('x')).toBeNull()
  })

  it('counts a committed file as stored and the unused part of a maximum as free', async () => {
    const store = createDiskFileStore({ dataDir, capacityBytes: 1000, logger: silentLogger })
    await store.start()
    const session = await store.beginUpload({ name: 'x', size: 600, sizeIsMaximum: true, sha256: null })
    await session.write(Buffer.from('abc'))
    expect(await session.commit()).toEqual({ name: 'x', size: 3, sha256: sha256('abc') })
    expect(await store.freeBytes()).toBe(997)
    expect(await listDir(path.join(dataDir, 'files'))).toEqual(['x'])
    expect(await listDir(path.join(dataDir, 'tmp'))).toEqual([])
  })

  it('aborts uploads in progress on close, leaving no temporary file', async () => {
    const store = createDiskFileStore({ dataDir, capacityBytes: 1000, logger: silentLogger })
    await store.start()
    const session = await store.beginUpload({ name: 'x', size: 10, sizeIsMaximum: false, sha256: null })
    await session.write(Buffer.alloc(5))
    await store.close()
    expect(await listDir(path.join(dataDir, 'tmp'))).toEqual([])
    expect((await rejection(session.write(Buffer.alloc(1)))).code).toBe('PEER_CANCELLED')
    expect((await rejection(store.beginUpload({ name: 'y', size: 1, sizeIsMaximum: false, sha256: null }))).code).toBe('PEER_CANCELLED')
  })
})
