import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import fs from 'node:fs/promises'
import path from 'node:path'
import { status } from '@grpc/grpc-js'
import type { ServiceError } from '@grpc/grpc-js'
import { afterEach, describe, expect, it } from 'vitest'
import { CHUNK_BYTES } from '@p2p/proto'
import {
  download, errorCode, listDir, readStored, sha256, startTestPeer, stat, storedContents, upload, uploadError, waitFor
} from '../helpers.js'
import type { TestPeer } from '../helpers.js'

const CAPACITY = 10 * 1024 * 1024

let t: TestPeer
afterEach(async () => { await t.close() })

async function expectNothingLeft (name: string): Promise<void> {
  await waitFor('the upload to end', () => t.peer.transfers.count() === 0)
  expect(await listDir(path.join(t.dataDir, 'tmp'))).toEqual([])
  expect(await t.store.get(name)).toBeNull()
  expect((await t.store.list()).map((f) => f.name)).not.toContain(name)
  expect(await storedContents(t.dataDir)).toHaveLength(new Set((await t.store.list()).map((f) => f.sha256)).size)
  expect((await stat(t.client)).freeBytes).toBe(CAPACITY - (await t.store.list()).reduce((sum, f) => sum + f.size, 0))
}

function split (data: Buffer, size: number): Buffer[] {
  const parts: Buffer[] = []
  for (let at = 0; at < data.length; at += size) parts.push(data.subarray(at, at + size))
  return parts
}

describe('Upload', () => {
  it('stores a file, lists it in Stat, and serves it back byte-exact', async () => {
    t = await startTestPeer({ capacityBytes: CAPACITY })
    const data = randomBytes(2 * CHUNK_BYTES + 999)
    const answer = await upload(t.client, { name: 'photo.jpg', size: data.length, sha256: sha256(data) }, split(data, 100_000))
    expect(answer).toEqual({ name: 'photo.jpg', size: data.length, sha256: sha256(data), peerId: 'peer-test' })
    expect((await readStored(t.dataDir, 'photo.jpg')).equals(data)).toBe(true)
    expect(await listDir(path.join(t.dataDir, 'tmp'))).toEqual([])
    expect(await stat(t.client)).toEqual({
      peerId: 'peer-test', capacityBytes: CAPACITY, freeBytes: CAPACITY - data.length, fileCount: 1, activeTransfers: 0
    })
    expect((await download(t.client, { sha256: sha256(data) })).equals(data)).toBe(true)
  })

  it('accepts fewer bytes than a maximum size, and a header without a hash', async () => {
    t = await startTestPeer({ capacityBytes: CAPACITY })
    const answer = await upload(t.client, { name: 'form.bin', size: 1000, sizeIsMaximum: true }, ['abc', 'def'])
    expect(answer).toMatchObject({ size: 6, sha256: sha256('abcdef') })
    expect((await stat(t.client)).freeBytes).toBe(CAPACITY - 6)
  })

  it.each([
    ['fewer bytes than announced', { size: 10 }, ['12345'], 'PEER_SIZE_MISMATCH'],
    ['more bytes than announced', { size: 4 }, ['123', '45', '6789'], 'PEER_SIZE_MISMATCH'],
    ['more bytes than a maximum', { size: 4, sizeIsMaximum: true }, ['12345'], 'PEER_SIZE_MISMATCH'],
    ['content that does not match its hash', { size: 5, sha256: sha256('other') }, ['12345'], 'PEER_HASH_MISMATCH']
  ])('refuses %s with DATA_LOSS and leaves nothing', async (_what, header, chunks, code) => {
    t = await startTestPeer({ capacityBytes: CAPACITY })
    const err = await uploadError(t.client, { name: 'bad.bin', ...header }, chunks)
    expect(err.code).toBe(status.DATA_LOSS)
    expect(errorCode(err)).toBe(code)
    await expectNothingLeft('bad.bin')
  })

  it('refuses a file larger than the free space with RESOURCE_EXHAUSTED', async () => {
    t = await startTestPeer({ capacityBytes: CAPACITY, files: { 'old.bin': Buffer.alloc(1000) } })
    const err = await uploadError(t.client, { name: 'big.bin', size: CAPACITY - 999 }, [])
    expect(err.code).toBe(status.RESOURCE_EXHAUSTED)
    expect(errorCode(err)).toBe('PEER_NO_ROOM')
    await expectNothingLeft('big.bin')
  })

  it('refuses a name that is stored, or being uploaded right now, with ALREADY_EXISTS', async () => {
    t = await startTestPeer({ capacityBytes: CAPACITY, files: { 'taken.txt': 'original' } })
    const stored = await uploadError(t.client, { name: 'taken.txt', size: 3 }, ['new'])
    expect(stored.code).toBe(status.ALREADY_EXISTS)
    expect(errorCode(stored)).toBe('PEER_FILE_EXISTS')
    expect((await readStored(t.dataDir, 'taken.txt')).toString()).toBe('original')

    const first = t.client.Upload(() => {})
    first.write({ header: { name: 'busy.txt', size: 10 } })
    await waitFor('the first upload to start', async () => (await listDir(path.join(t.dataDir, 'tmp'))).length === 1)
    const racing = await uploadError(t.client, { name: 'busy.txt', size: 2 }, ['hi'])
    expect(racing.code).toBe(status.ALREADY_EXISTS)
    first.cancel()
  })

  it.each([
    ['a chunk before the header', [{ chunk: Buffer.from('x') }]],
    ['no message at all', []],
    ['a second header', [{ header: { name: 'a.txt', size: 1 } }, { header: { name: 'a.txt', size: 1 } }]],
    ['a name that is a path', [{ header: { name: '../escape.txt', size: 1 } }, { chunk: Buffer.from('x') }]],
    ['a malformed sha256', [{ header: { name: 'a.txt', size: 1, sha256: 'ABC' } }, { chunk: Buffer.from('x') }]]
  ])('refuses %s with INVALID_ARGUMENT', async (_what, messages) => {
    t = await startTestPeer({ capacityBytes: CAPACITY })
    const err = await new Promise<ServiceError>((resolve, reject) => {
      const call = t.client.Upload((e) => { if (e != null) resolve(e); else reject(new Error('the upload succeeded')) })
      for (const message of messages) call.write(message)
      call.end()
    })
    expect(err.code).toBe(status.INVALID_ARGUMENT)
    expect(errorCode(err)).toBe('PEER_BAD_REQUEST')
    await expectNothingLeft('a.txt')
    expect(await listDir(path.dirname(t.dataDir))).not.toContain('escape.txt')
  })

  it('leaves nothing when the client cancels mid-upload', async () => {
    t = await startTestPeer({ capacityBytes: CAPACITY })
    const call = t.client.Upload(() => {})
    call.write({ header: { name: 'partial.bin', size: 1_000_000 } })
    call.write({ chunk: randomBytes(100_000) })
    const tmp = path.join(t.dataDir, 'tmp')
    await waitFor('bytes to reach the temporary file', async () => {
      const [part] = await listDir(tmp)
      return part != null && (await fs.stat(path.join(tmp, part))).size === 100_000
    })
    expect((await stat(t.client)).freeBytes).toBe(CAPACITY - 1_000_000)
    call.cancel()
    await waitFor('the temporary file to go', async () => (await listDir(tmp)).length === 0)
    await expectNothingLeft('partial.bin')
  })

  it('gives up an upload that stops sending, leaving nothing', async () => {
    t = await startTestPeer({ capacityBytes: CAPACITY, uploadIdleTimeoutMs: 200 })
    const err = await new Promise<ServiceError>((resolve, reject) => {
      const call = t.client.Upload((e) => { if (e != null) resolve(e); else reject(new Error('the upload succeeded')) })
      call.write({ header: { name: 'stalled.bin', size: 10 } })
      call.write({ chunk: Buffer.from('12345') })
    })
    expect(err.code).toBe(status.CANCELLED)
    expect(errorCode(err)).toBe('PEER_CANCELLED')
    await expectNothingLeft('stalled.bin')
  })

  it('cancels uploads in progress on shutdown, removing their temporary files', async () => {
    t = await startTestPeer({ capacityBytes: CAPACITY })
    const failed = new Promise<ServiceError | null>((resolve) => {
      const call = t.client.Upload((e) => { resolve(e) })
      call.write({ header: { name: 'interrupted.bin', size: 100 } })
      call.write({ chunk: Buffer.from('12345') })
    })
    const tmp = path.join(t.dataDir, 'tmp')
    await waitFor('the upload to start', async () => (await listDir(tmp)).length === 1)
    await t.peer.close()
    expect(await failed).not.toBeNull()
    expect(await listDir(tmp)).toEqual([])
    expect(await storedContents(t.dataDir)).toEqual([])
    expect(await t.store.list()).toEqual([])
  })

  it('slows the sender down while the disk is slow, instead of buffering the upload in memory', async () => {
    const SIZE = 64 * 1024 * 1024
    let openGate = (): void => {}
    const gate = new Promise<void>((resolve) => { openGate = resolve })
    t = await startTestPeer({
      capacityBytes: SIZE,
      // A real file whose writes do not complete until the gate opens: the whole real path (handler,
      // session, write-behind queue) must hold the sender back.
      openFile: async (file, flags) => {
        const handle = await fs.open(file, flags)
        return new Proxy(handle, {
          get (target, key) {
            if (key === 'writev') return async (chunks: Uint8Array[]) => { await gate; return await target.writev(chunks) }
            const value = Reflect.get(target, key) as unknown
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
          }
        })
      }
    })
    const block = randomBytes(CHUNK_BYTES)
    const hash = createHash('sha256')
    let accepted = 0
    const done = new Promise<unknown>((resolve, reject) => {
      const call = t.client.Upload((err, answer) => { if (err != null) reject(err); else resolve(answer) })
      call.write({ header: { name: 'slow.bin', size: SIZE } })
      void (async () => {
        for (let sent = 0; sent < SIZE; sent += block.length) {
          hash.update(block)
          accepted += block.length
          if (!call.write({ chunk: block })) await once(call, 'drain')
        }
        call.write({ end: { size: SIZE } })
        call.end()
      })()
    })
    // The sender must get stuck well before the end: the count must hold still over several polls.
    let last = -1
    let stablePolls = 0
    await waitFor('the sender to be held back', () => {
      stablePolls = accepted === last ? stablePolls + 1 : 0
      last = accepted
      return stablePolls >= 10
    }, 15_000)
    expect(accepted).toBeLessThan(SIZE / 2)
    expect(await listDir(path.join(t.dataDir, 'tmp'))).toHaveLength(1)
    openGate()
    expect(await done).toMatchObject({ size: SIZE, sha256: hash.digest('hex') })
  })
})
