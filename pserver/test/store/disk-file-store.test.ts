import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { MAX_PIECE_BYTES, PIECE_BYTES, markSoleView } from '@p2p/proto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PeerError } from '../../src/errors.js'
import { readBlobMeta, writeBlobMeta } from '../../src/store/blob-meta.js'
import { splitPieces } from '../../src/store/content-digest.js'
import { createDiskFileStore } from '../../src/store/disk-file-store.js'
import type { DiskFileStoreOptions } from '../../src/store/disk-file-store.js'
import { pathInside } from '../../src/store/disk-io.js'
import { storeLayout } from '../../src/store/layout.js'
import { storedPathOf } from '../../src/store/stored-path.js'
import { captureLogger, listDir, makeTempDir, readStored, sha256, silentLogger, storedContents, storedFile } from '../helpers.js'

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

/** The piece hashes of `content` cut into `pieceBytes` pieces, concatenated as a blob's metadata keeps them. */
function pieceHashesOf (content: Buffer, pieceBytes: number): Buffer {
  const hashes: Buffer[] = []
  for (let at = 0; at < content.length; at += pieceBytes) hashes.push(createHash('sha256').update(content.subarray(at, at + pieceBytes)).digest())
  return Buffer.concat(hashes)
}

async function rejection (promise: Promise<unknown>): Promise<PeerError> {
  try {
    await promise
  } catch (err) {
    if (err instanceof PeerError) return err
    throw err
  }
  throw new Error('expected a rejection')
}

async function started (options: Partial<DiskFileStoreOptions> = {}): Promise<ReturnType<typeof createDiskFileStore>> {
  const store = createDiskFileStore({ dataDir, capacityBytes: 10 ** 9, logger: silentLogger, ...options })
  await store.start()
  return store
}

const header = (name: string, size: number, sizeIsMaximum = false): { name: string, size: number, sizeIsMaximum: boolean, sha256: null } =>
  ({ name, size, sizeIsMaximum, sha256: null })

describe('disk file store start', () => {
  it('creates its folders and an empty index in an empty data dir', async () => {
    dataDir = path.join(root, 'fresh')
    const store = await started({ capacityBytes: 1000 })
    expect(await listDir(dataDir)).toEqual(['blobs', 'names.json', 'tmp'])
    expect(await store.list()).toEqual([])
  })

  it('imports files of files/ with their size and sha256, moves them into blobs/ and removes leftovers in tmp/', async () => {
    const big = Buffer.alloc(1536 * 1024, 7) // more than one read
    await fs.writeFile(path.join(dataDir, 'files', 'a.txt'), 'hello')
    await fs.writeFile(path.join(dataDir, 'files', 'big.bin'), big)
    await fs.writeFile(path.join(dataDir, 'tmp', 'crashed.part'), 'partial')
    await fs.mkdir(path.join(dataDir, 'tmp', 'stray-dir'))
    const store = await started()
    const files = (await store.list()).sort((a, b) => a.name.localeCompare(b.name))
    expect(files).toEqual([
      storedFile('a.txt', 'hello'),
      storedFile('big.bin', big)
    ])
    expect(await listDir(path.join(dataDir, 'tmp'))).toEqual([])
    expect(await listDir(dataDir)).toEqual(['blobs', 'names.json', 'tmp'])
    expect(await storedContents(dataDir)).toEqual([sha256('hello'), sha256(big)].sort())
    expect((await readStored(dataDir, 'big.bin')).equals(big)).toBe(true)
    expect(await store.findBySha256(sha256(big))).toEqual(files[1])
    expect(await store.count()).toBe(2)
    expect((await store.pieceHashes(sha256(big)))?.pieces).toHaveLength(Math.ceil(big.length / PIECE_BYTES))
  })

  it('leaves in files/, with a warning, entries whose name is invalid or that are not regular files', async () => {
    await fs.writeFile(path.join(dataDir, 'files', 'good.txt'), 'ok')
    await fs.writeFile(path.join(dataDir, 'files', 'line\nbreak'), 'x')
    await fs.writeFile(path.join(dataDir, 'files', ' padded'), 'x')
    await fs.writeFile(path.join(dataDir, 'files', 'cafe\u0301'), 'x') // not NFC
    await fs.mkdir(path.join(dataDir, 'files', 'subdir'))
    const { logger, lines } = captureLogger()
    const store = await started({ logger })
    expect((await store.list()).map((f) => f.name)).toEqual(['good.txt'])
    const skipped = lines.filter((line) => line.level === 40).map((line) => line.file)
    expect(skipped.sort()).toEqual([' padded', 'cafe\u0301', 'line\nbreak', 'subdir'])
    expect(await listDir(path.join(dataDir, 'files'))).toEqual([' padded', 'cafe\u0301', 'line\nbreak', 'subdir'])
  })

  it('copies seed files that are not stored yet, keeps stored ones, stores seeded duplicates once, skips invalid seed names', async () => {
    await fs.writeFile(path.join(dataDir, 'files', 'shared.txt'), 'already here')
    await fs.writeFile(path.join(seedDir, 'shared.txt'), 'seed version')
    await fs.writeFile(path.join(seedDir, 'new.txt'), 'from the seed')
    await fs.writeFile(path.join(seedDir, 'copy of new.txt'), 'from the seed')
    await fs.writeFile(path.join(seedDir, 'bad\u0007name'), 'x')
    const { logger, lines } = captureLogger()
    const store = await started({ seedDir, logger })
    expect(await store.get('new.txt')).toEqual(storedFile('new.txt', 'from the seed'))
    expect(await store.get('copy of new.txt')).toEqual(storedFile('copy of new.txt', 'from the seed'))
    expect((await readStored(dataDir, 'new.txt')).toString()).toBe('from the seed')
    expect(await store.get('shared.txt')).toMatchObject({ sha256: sha256('already here') })
    expect(await store.get('bad\u0007name')).toBeNull()
    expect(lines.some((line) => line.level === 40 && line.file === 'bad\u0007name')).toBe(true)
    expect(await storedContents(dataDir)).toEqual([sha256('already here'), sha256('from the seed')].sort())
    expect(await store.freeBytes()).toBe(10 ** 9 - 12 - 13)
    expect(await listDir(path.join(dataDir, 'tmp'))).toEqual([])
  })

  it('starts without its seeds when the seed folder is missing', async () => {
    const store = await started({ seedDir: path.join(root, 'nope') })
    expect(await store.count()).toBe(0)
  })
})

describe('disk file store restart', () => {
  async function startCounting (): Promise<{ store: ReturnType<typeof createDiskFileStore>, checked: Record<string, unknown>, lines: Array<Record<string, unknown>> }> {
    const { logger, lines } = captureLogger()
    const store = await started({ logger })
    const checked = lines.find((line) => line.msg === 'checked stored contents') ?? {}
    return { store, checked, lines }
  }

  it('trusts the stored digest of unchanged contents instead of hashing them again', async () => {
    await fs.writeFile(path.join(dataDir, 'files', 'a.txt'), 'hello')
    await started()
    const { store, checked } = await startCounting()
    expect(checked).toMatchObject({ trusted: 1, rehashed: 0, removed: 0 })
    expect(await store.list()).toEqual([storedFile('a.txt', 'hello')])
  })

  it('hashes a content again when its metadata is missing or its mtime changed, and keeps serving it', async () => {
    await fs.writeFile(path.join(dataDir, 'files', 'a.txt'), 'hello')
    await fs.writeFile(path.join(dataDir, 'files', 'b.txt'), 'world')
    await started()
    const layout = storeLayout(dataDir)
    await fs.rm(layout.metaPath(sha256('hello')))
    await fs.utimes(layout.blobPath(sha256('world')), new Date(), new Date(Date.now() - 60_000))
    const { store, checked } = await startCounting()
    expect(checked).toMatchObject({ trusted: 0, rehashed: 2, removed: 0 })
    expect((await store.list()).map((f) => f.name).sort()).toEqual(['a.txt', 'b.txt'])
    expect((await store.pieceHashes(sha256('hello')))?.pieces).toEqual([Buffer.from(sha256('hello'), 'hex')])
    // Now current again: the next start trusts both.
    expect((await startCounting()).checked).toMatchObject({ trusted: 2, rehashed: 0 })
  })

  it('keeps the piece size a content was hashed with, and hashes again one cut into pieces downloaders refuse', async () => {
    const content = Buffer.alloc(5 * PIECE_BYTES, 3)
    await fs.writeFile(path.join(dataDir, 'files', 'a.bin'), content)
    await started()
    const layout = storeLayout(dataDir)
    const stored = await readBlobMeta(layout, sha256(content))
    expect(stored).toMatchObject({ pieceBytes: PIECE_BYTES })
    // As a pserver of before 2026-12-07 left it: 4 MiB pieces. The central recorded that table, so it stays.
    const old = { ...stored!, pieceBytes: MAX_PIECE_BYTES, pieces: pieceHashesOf(content, MAX_PIECE_BYTES) }
    await writeBlobMeta(layout, old)
    const restarted = await startCounting()
    expect(restarted.checked).toMatchObject({ trusted: 1, rehashed: 0 })
    expect(await restarted.store.pieceHashes(sha256(content))).toEqual({ pieceBytes: MAX_PIECE_BYTES, pieces: splitPieces(old.pieces) })
    // Pieces larger than a downloader holds: hashed again, in today's size.
    await writeBlobMeta(layout, { ...old, pieceBytes: 2 * MAX_PIECE_BYTES, pieces: pieceHashesOf(content, 2 * MAX_PIECE_BYTES) })
    const rehashed = await startCounting()
    expect(rehashed.checked).toMatchObject({ trusted: 0, rehashed: 1 })
    expect(await rehashed.store.pieceHashes(sha256(content))).toEqual({ pieceBytes: PIECE_BYTES, pieces: splitPieces(pieceHashesOf(content, PIECE_BYTES)) })
  })

  it('stops serving, with an error, a content changed on disk, and drops its names', async () => {
    await fs.writeFile(path.join(dataDir, 'files', 'a.txt'), 'hello')
    await fs.writeFile(path.join(dataDir, 'files', 'b.txt'), 'world')
    await started()
    await fs.writeFile(storeLayout(dataDir).blobPath(sha256('hello')), 'HELLO')
    const { store, checked, lines } = await startCounting()
    expect(checked).toMatchObject({ rehashed: 1, removed: 1 })
    expect((await store.list()).map((f) => f.name)).toEqual(['b.txt'])
    expect(lines.some((line) => line.level === 50 && line.sha256 === sha256('hello'))).toBe(true)
    expect(await storedContents(dataDir)).toEqual([sha256('world')])
    expect(await storedPathOf(dataDir, 'a.txt')).toBeNull()
  })

  it('removes contents no name refers to and metadata without content, left by a crash while placing', async () => {
    await started()
    const layout = storeLayout(dataDir)
    await fs.writeFile(layout.blobPath(sha256('orphan')), 'orphan')
    await fs.writeFile(layout.metaPath(sha256('gone')), '{}')
    const { store } = await startCounting()
    expect(await store.list()).toEqual([])
    expect(await listDir(layout.blobsDir)).toEqual([])
  })

  it('refuses to start, removing nothing, when the name index is missing but contents are stored', async () => {
    await fs.writeFile(path.join(dataDir, 'files', 'a.txt'), 'hello')
    await started()
    await fs.rm(storeLayout(dataDir).indexFile)
    await expect(started()).rejects.toThrow(/names.json is missing/)
    expect(await storedContents(dataDir)).toEqual([sha256('hello')])
  })

  it('refuses to start on an unreadable name index rather than guess', async () => {
    await started()
    await fs.writeFile(storeLayout(dataDir).indexFile, '{"format":1,"files":')
    await expect(started()).rejects.toThrow(/not a valid name index/)
  })

  it('drops index entries with an invalid name or digest, with a warning', async () => {
    await fs.writeFile(path.join(dataDir, 'files', 'a.txt'), 'hello')
    await started()
    const layout = storeLayout(dataDir)
    const index = JSON.parse(await fs.readFile(layout.indexFile, 'utf8')) as { files: Record<string, string> }
    index.files['../escape'] = sha256('hello')
    index.files['b.txt'] = 'not-a-digest'
    await fs.writeFile(layout.indexFile, JSON.stringify(index))
    const { store, lines } = await startCounting()
    expect((await store.list()).map((f) => f.name)).toEqual(['a.txt'])
    expect(lines.filter((line) => line.level === 40).map((line) => line.file).sort()).toEqual(['../escape', 'b.txt'])
  })

  it('leaves nothing listed and no temporary file after a crash mid-upload', async () => {
    const crashed = await started()
    const session = await crashed.beginUpload(header('partial.bin', 100))
    await session.write(Buffer.alloc(50))
    // The process dies here: no commit, no abort.
    const { store } = await startCounting()
    expect(await store.list()).toEqual([])
    expect(await listDir(path.join(dataDir, 'tmp'))).toEqual([])
    expect(await storedContents(dataDir)).toEqual([])
  })

  it('keeps names such as __proto__ as ordinary entries', async () => {
    const store = await started()
    const session = await store.beginUpload(header('__proto__', 3))
    await session.write(Buffer.from('abc'))
    await session.commit({ size: 3, sha256: null })
    const { store: again } = await startCounting()
    expect(await again.list()).toEqual([storedFile('__proto__', 'abc')])
    expect((await readStored(dataDir, '__proto__')).toString()).toBe('abc')
  })
})

describe('disk file store memory', () => {
  it('frees each received message\'s buffer once its bytes are on disk, and stores every byte', async () => {
    // 4 MiB of 256 KiB chunks, each the data of a message with a buffer of its own (as grpc-js
    // decodes them), marked so by the receiver; one more chunk unmarked, and one cut in two.
    const message = (seed: number): Buffer => {
      const whole = Buffer.allocUnsafeSlow(256 * 1024 + 9)
      whole.fill(seed)
      return whole.subarray(9)
    }
    const marked = Array.from({ length: 16 }, (_, n) => message(n))
    for (const chunk of marked) markSoleView(chunk)
    const unmarked = message(100)
    const cut = message(101)
    markSoleView(cut)
    const chunks = [...marked, unmarked, cut.subarray(0, 1000), cut.subarray(1000)]
    const content = Buffer.concat(chunks)
    const store = await started()
    const session = await store.beginUpload(header('freed.bin', content.length))
    for (const chunk of chunks) await session.write(chunk)
    await session.commit({ size: content.length, sha256: null })

    expect(sha256(await readStored(dataDir, 'freed.bin'))).toBe(sha256(content))
    expect(marked.filter((chunk) => chunk.buffer.byteLength !== 0)).toHaveLength(0)
    // Not marked, or only part of the buffer: left to the garbage collector.
    expect(unmarked.buffer.byteLength).toBe(256 * 1024 + 9)
    expect(cut.buffer.byteLength).toBe(256 * 1024 + 9)
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

  it('builds blob paths only from digests', () => {
    const layout = storeLayout(dataDir)
    expect(layout.blobPath('a'.repeat(64))).toBe(path.join(dataDir, 'blobs', 'a'.repeat(64)))
    for (const bad of ['../names.json', 'A'.repeat(64), 'a'.repeat(63), '']) expect(() => layout.blobPath(bad), bad).toThrow()
  })

  it('never opens or creates a file outside its folders', async () => {
    await fs.writeFile(path.join(dataDir, 'secret'), 'outside')
    const store = await started({ capacityBytes: 1000 })
    expect((await rejection(store.openRead('../secret', 0, 1))).code).toBe('PEER_NOT_FOUND')
    expect((await rejection(store.beginUpload(header('../escape', 1)))).code).toBe('PEER_BAD_REQUEST')
    expect(await listDir(dataDir)).toEqual(['blobs', 'names.json', 'secret', 'tmp'])
  })
})

describe('disk file store uploads', () => {
  it('reserves the announced size while an upload runs and gives it back on abort', async () => {
    const store = await started({ capacityBytes: 1000 })
    const session = await store.beginUpload(header('x', 600))
    expect(await store.freeBytes()).toBe(400)
    expect((await rejection(store.beginUpload(header('y', 401)))).code).toBe('PEER_NO_ROOM')
    expect((await rejection(store.beginUpload(header('x', 1)))).code).toBe('PEER_FILE_EXISTS')
    await session.write(Buffer.alloc(10))
    expect(await listDir(path.join(dataDir, 'tmp'))).toHaveLength(1)
    await session.abort()
    expect(await store.freeBytes()).toBe(1000)
    expect(await listDir(path.join(dataDir, 'tmp'))).toEqual([])
    expect(await store.get('x')).toBeNull()
  })

  it('counts a committed file as stored, with its metadata beside it, and the unused part of a maximum as free', async () => {
    const store = await started({ capacityBytes: 1000 })
    const session = await store.beginUpload(header('x', 600, true))
    await session.write(Buffer.from('abc'))
    expect(await session.commit({ size: 3, sha256: null })).toEqual(storedFile('x', 'abc'))
    expect(await store.freeBytes()).toBe(997)
    expect(await listDir(path.join(dataDir, 'blobs'))).toEqual([sha256('abc'), `${sha256('abc')}.meta`])
    expect(await listDir(path.join(dataDir, 'tmp'))).toEqual([])
  })

  it('aborts uploads in progress on close, leaving no temporary file', async () => {
    const store = await started({ capacityBytes: 1000 })
    const session = await store.beginUpload(header('x', 10))
    await session.write(Buffer.alloc(5))
    await store.close()
    expect(await listDir(path.join(dataDir, 'tmp'))).toEqual([])
    expect((await rejection(session.write(Buffer.alloc(1)))).code).toBe('PEER_CANCELLED')
    expect((await rejection(store.beginUpload(header('y', 1)))).code).toBe('PEER_CANCELLED')
  })

  it('reports the names of the uploads in progress, for the central to keep claimed', async () => {
    const store = await started({ capacityBytes: 1000 })
    const first = await store.beginUpload(header('a.bin', 10))
    const second = await store.beginUpload(header('b.bin', 1))
    expect(store.uploadsInProgress().sort()).toEqual(['a.bin', 'b.bin'])
    await first.abort()
    await second.write(Buffer.from('x'))
    await second.commit({ size: 1, sha256: null })
    expect(store.uploadsInProgress()).toEqual([])
  })

  it('removes a name, and its content once no other name refers to it, for good', async () => {
    const store = await started({ capacityBytes: 1000 })
    for (const name of ['one.txt', 'two.txt', 'other.txt']) {
      const session = await store.beginUpload(header(name, 3))
      await session.write(Buffer.from(name === 'other.txt' ? 'xyz' : 'abc'))
      await session.commit({ size: 3, sha256: null })
    }
    // Only while the name still refers to that content.
    expect(await store.remove('one.txt', sha256('xyz'))).toBe(false)
    expect(await store.remove('one.txt', sha256('abc'))).toBe(true)
    expect(await store.get('one.txt')).toBeNull()
    // two.txt still refers to the bytes: they stay.
    expect(await storedContents(dataDir)).toEqual([sha256('abc'), sha256('xyz')].sort())
    expect(await store.remove('two.txt', sha256('abc'))).toBe(true)
    expect(await storedContents(dataDir)).toEqual([sha256('xyz')])
    expect(await store.freeBytes()).toBe(997)
    expect(await store.remove('two.txt', sha256('abc'))).toBe(false)
    await store.close()
    // The removal is durable: a restart does not bring the name back.
    const again = await started({ capacityBytes: 1000 })
    expect((await again.list()).map((file) => file.name)).toEqual(['other.txt'])
    await again.close()
  })
})
