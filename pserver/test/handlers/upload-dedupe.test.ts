import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { status } from '@grpc/grpc-js'
import { download, errorCode, listDir, readStored, sha256, startTestPeer, stat, storedContents, upload, uploadError } from '../helpers.js'
import type { TestPeer } from '../helpers.js'

const CAPACITY = 1024 * 1024
const DATA = randomBytes(600 * 1024)

let t: TestPeer
afterEach(async () => { await t.close() })

describe('Upload of content already stored', () => {
  it('stores the bytes once when the same content arrives under a second name, and counts them once', async () => {
    t = await startTestPeer({ capacityBytes: 2 * CAPACITY })
    await upload(t.client, { name: 'first.bin', size: DATA.length }, [DATA])
    const second = await upload(t.client, { name: 'second.bin', size: DATA.length }, [DATA.subarray(0, 1000), DATA.subarray(1000)])
    expect(second).toMatchObject({ name: 'second.bin', size: DATA.length, sha256: sha256(DATA) })
    expect(await storedContents(t.dataDir)).toEqual([sha256(DATA)])
    expect(await stat(t.client)).toMatchObject({ fileCount: 2, freeBytes: 2 * CAPACITY - DATA.length })
    expect((await t.store.list()).map((f) => f.name).sort()).toEqual(['first.bin', 'second.bin'])
    for (const name of ['first.bin', 'second.bin']) {
      expect((await download(t.client, { name })).equals(DATA)).toBe(true)
      expect((await readStored(t.dataDir, name)).equals(DATA)).toBe(true)
    }
  })

  it('needs no free space for content whose announced sha256 is stored already, and writes none of it', async () => {
    t = await startTestPeer({ capacityBytes: CAPACITY })
    await upload(t.client, { name: 'first.bin', size: DATA.length }, [DATA])
    // 600 KiB do not fit in the 424 KiB left, unless the peer knows it has these bytes.
    const blind = await uploadError(t.client, { name: 'blind.bin', size: DATA.length }, [DATA])
    expect(blind.code).toBe(status.RESOURCE_EXHAUSTED)
    const known = await upload(t.client, { name: 'known.bin', size: DATA.length, sha256: sha256(DATA) }, [DATA])
    expect(known).toMatchObject({ size: DATA.length, sha256: sha256(DATA) })
    expect(await storedContents(t.dataDir)).toEqual([sha256(DATA)])
    expect((await download(t.client, { name: 'known.bin' })).equals(DATA)).toBe(true)
  })

  it('still verifies the bytes of content it claims to have: a mismatch stores nothing', async () => {
    t = await startTestPeer({ capacityBytes: CAPACITY })
    await upload(t.client, { name: 'first.bin', size: DATA.length }, [DATA])
    const forged = Buffer.from(DATA)
    forged[123] = forged[123]! ^ 1
    const err = await uploadError(t.client, { name: 'forged.bin', size: DATA.length, sha256: sha256(DATA) }, [forged])
    expect(err.code).toBe(status.DATA_LOSS)
    expect(errorCode(err)).toBe('PEER_HASH_MISMATCH')
    expect(await t.store.get('forged.bin')).toBeNull()
    expect(await storedContents(t.dataDir)).toEqual([sha256(DATA)])
    expect(await listDir(path.join(t.dataDir, 'tmp'))).toEqual([])
  })

  it('imports two files of the same content as one stored content with two names', async () => {
    t = await startTestPeer({ capacityBytes: CAPACITY, files: { 'a.bin': DATA, 'b.bin': DATA } })
    expect(await storedContents(t.dataDir)).toEqual([sha256(DATA)])
    expect((await t.store.list()).map((f) => f.name).sort()).toEqual(['a.bin', 'b.bin'])
    expect((await stat(t.client)).freeBytes).toBe(CAPACITY - DATA.length)
  })
})
