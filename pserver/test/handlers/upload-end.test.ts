import path from 'node:path'
import { status } from '@grpc/grpc-js'
import type { ServiceError } from '@grpc/grpc-js'
import { afterEach, describe, expect, it } from 'vitest'
import type { UploadRequest } from '@p2p/proto'
import { errorCode, listDir, readStored, sha256, startTestPeer, stat, storedContents, upload, uploadError, waitFor } from '../helpers.js'
import type { TestPeer } from '../helpers.js'

const CAPACITY = 1024 * 1024

let t: TestPeer
afterEach(async () => { await t.close() })

/** Nothing of `name` is visible, nothing is left in tmp/, and its reservation is given back. */
async function expectNothingLeft (name: string): Promise<void> {
  await waitFor('the upload to end', () => t.peer.transfers.count() === 0)
  expect(await listDir(path.join(t.dataDir, 'tmp'))).toEqual([])
  expect(await t.store.get(name)).toBeNull()
  expect(await storedContents(t.dataDir)).toEqual([])
  expect((await stat(t.client)).freeBytes).toBe(CAPACITY)
}

async function sendRaw (messages: UploadRequest[]): Promise<ServiceError> {
  return await new Promise<ServiceError>((resolve, reject) => {
    const call = t.client.Upload((e) => { if (e != null) resolve(e); else reject(new Error('the upload succeeded')) })
    for (const message of messages) call.write(message)
    call.end()
  })
}

describe('Upload end message', () => {
  it('commits only once the end message arrived, with the sizes and hashes it carries', async () => {
    t = await startTestPeer({ capacityBytes: CAPACITY })
    const answer = await upload(t.client, { name: 'done.txt', size: 11, sha256: sha256('hello world') }, ['hello ', 'world'], { size: 11, sha256: sha256('hello world') })
    expect(answer).toMatchObject({ name: 'done.txt', size: 11, sha256: sha256('hello world') })
    expect((await readStored(t.dataDir, 'done.txt')).toString()).toBe('hello world')
  })

  it('accepts an end size below a maximum size', async () => {
    t = await startTestPeer({ capacityBytes: CAPACITY })
    expect(await upload(t.client, { name: 'form.bin', size: 100, sizeIsMaximum: true }, ['abc'], { size: 3 })).toMatchObject({ size: 3 })
  })

  it('discards a stream that stops without its end message with DATA_LOSS PEER_INCOMPLETE_UPLOAD', async () => {
    t = await startTestPeer({ capacityBytes: CAPACITY })
    // Every byte the header announced arrived: only the missing end message tells it was cut off.
    const err = await uploadError(t.client, { name: 'cut.txt', size: 11 }, ['hello ', 'world'], null)
    expect(err.code).toBe(status.DATA_LOSS)
    expect(errorCode(err)).toBe('PEER_INCOMPLETE_UPLOAD')
    await expectNothingLeft('cut.txt')
  })

  it('discards a cut-off stream with a maximum size too, however little it lacks', async () => {
    t = await startTestPeer({ capacityBytes: CAPACITY })
    const err = await uploadError(t.client, { name: 'cut.bin', size: 100, sizeIsMaximum: true }, ['abc'], null)
    expect(errorCode(err)).toBe('PEER_INCOMPLETE_UPLOAD')
    await expectNothingLeft('cut.bin')
  })

  it.each([
    ['a chunk after the end', [{ chunk: Buffer.from('more') }]],
    ['a second end', [{ end: { size: 5 } }]],
    ['a header after the end', [{ header: { name: 'late.txt', size: 1 } }]]
  ])('refuses %s with INVALID_ARGUMENT and leaves nothing', async (_what, after) => {
    t = await startTestPeer({ capacityBytes: CAPACITY })
    const err = await sendRaw([{ header: { name: 'x.txt', size: 5 } }, { chunk: Buffer.from('12345') }, { end: { size: 5 } }, ...after])
    expect(err.code).toBe(status.INVALID_ARGUMENT)
    expect(errorCode(err)).toBe('PEER_BAD_REQUEST')
    await expectNothingLeft('x.txt')
  })

  it('refuses a malformed end hash with INVALID_ARGUMENT', async () => {
    t = await startTestPeer({ capacityBytes: CAPACITY })
    const err = await uploadError(t.client, { name: 'x.txt', size: 5 }, ['12345'], { size: 5, sha256: 'NOT-HEX' })
    expect(err.code).toBe(status.INVALID_ARGUMENT)
    await expectNothingLeft('x.txt')
  })

  it.each([
    ['an end size above what arrived', { size: 5 }, ['1234'], { size: 5 }, 'PEER_SIZE_MISMATCH'],
    ['an end size below what arrived', { size: 5 }, ['12345'], { size: 4 }, 'PEER_SIZE_MISMATCH'],
    ['an end size that matches what arrived but not the exact header size', { size: 5 }, ['1234'], { size: 4 }, 'PEER_SIZE_MISMATCH'],
    ['an end hash that does not match the content', { size: 5 }, ['12345'], { size: 5, sha256: sha256('54321') }, 'PEER_HASH_MISMATCH'],
    ['an end hash that matches the content but not the header hash', { size: 5, sha256: sha256('54321') }, ['12345'], { size: 5, sha256: sha256('12345') }, 'PEER_HASH_MISMATCH']
  ])('refuses %s with DATA_LOSS and leaves nothing', async (_what, header, chunks, end, code) => {
    t = await startTestPeer({ capacityBytes: CAPACITY })
    const err = await uploadError(t.client, { name: 'bad.bin', ...header }, chunks, end)
    expect(err.code).toBe(status.DATA_LOSS)
    expect(errorCode(err)).toBe(code)
    await expectNothingLeft('bad.bin')
  })
})
