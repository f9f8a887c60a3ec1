import { randomBytes } from 'node:crypto'
import type { Readable } from 'node:stream'
import { status } from '@grpc/grpc-js'
import { CentralRequestError, createPeerFilesClient } from '@p2p/proto'
import type { FileView, Holder } from '@p2p/proto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDownload } from '../../src/transfers/download.js'
import { closedPort, waitFor } from '../helpers/closed-port.js'
import { sha256Hex, startFakePeer } from '../helpers/fake-peer.js'
import type { FakePeer } from '../helpers/fake-peer.js'

function holder (peerId: string, grpcAddress: string): Holder {
  return { peerId, grpcAddress, freeBytes: 0, activeTransfers: 0 }
}

function fileView (name: string, content: Buffer, holders: Holder[]): FileView {
  return { name, size: content.length, sha256: sha256Hex(content), addedAt: new Date().toISOString(), holders }
}

async function readAll (stream: Readable): Promise<{ data: Buffer, error: unknown }> {
  const chunks: Buffer[] = []
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer)
    return { data: Buffer.concat(chunks), error: null }
  } catch (error) {
    return { data: Buffer.concat(chunks), error }
  }
}

describe('openDownload', () => {
  let peers: FakePeer[] = []
  beforeEach(() => { peers = [] })
  afterEach(async () => { await Promise.all(peers.map(async (peer) => { await peer.close() })) })

  const start = async (peerId: string): Promise<FakePeer> => {
    const peer = await startFakePeer(peerId)
    peers.push(peer)
    return peer
  }

  it('streams a file from its holder, byte-identical', async () => {
    const peer = await start('peer-a')
    const content = randomBytes(700_000)
    peer.files.set('a #1 ?%.txt', { content })
    const view = fileView('a #1 ?%.txt', content, [holder('peer-a', peer.address)])
    const download = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient }, 'a #1 ?%.txt')
    expect(download.holder.peerId).toBe('peer-a')
    const { data, error } = await readAll(download.body)
    expect(error).toBeNull()
    expect(data.equals(content)).toBe(true)
  })

  it('streams an empty file', async () => {
    const peer = await start('peer-a')
    peer.files.set('empty', { content: Buffer.alloc(0) })
    const view = fileView('empty', Buffer.alloc(0), [holder('peer-a', peer.address)])
    const download = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient }, 'empty')
    const { data, error } = await readAll(download.body)
    expect(error).toBeNull()
    expect(data.length).toBe(0)
  })

  it('fails over to the next holder when the first is down or lacks the file', async () => {
    const good = await start('peer-good')
    const missing = await start('peer-missing')
    const content = randomBytes(100_000)
    good.files.set('f.bin', { content })
    const down = `127.0.0.1:${await closedPort()}`
    const view = fileView('f.bin', content, [holder('peer-down', down), holder('peer-missing', missing.address), holder('peer-good', good.address)])
    const warnings: unknown[] = []
    const log = { warn: (obj: unknown) => { warnings.push(obj) }, info: () => {} }
    const download = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient, log }, 'f.bin')
    expect(download.holder.peerId).toBe('peer-good')
    expect((await readAll(download.body)).data.equals(content)).toBe(true)
    expect(warnings).toHaveLength(2)
  })

  it('reports the last holder error when every holder fails', async () => {
    const peer = await start('peer-a')
    peer.files.set('f.bin', { content: Buffer.from('x'), failWith: status.INTERNAL })
    const view = fileView('f.bin', Buffer.from('x'), [holder('peer-a', peer.address)])
    await expect(openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient }, 'f.bin'))
      .rejects.toMatchObject({ code: 'PCLIENT_PEER_ERROR', statusCode: 502 })
  })

  it('errors the body before its last chunk when the peer sends corrupted bytes', async () => {
    const peer = await start('peer-a')
    const content = randomBytes(300_000)
    peer.files.set('f.bin', { content, corrupt: true, chunkBytes: 50_000 })
    const view = fileView('f.bin', content, [holder('peer-a', peer.address)])
    const download = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient }, 'f.bin')
    const { data, error } = await readAll(download.body)
    expect(error).toMatchObject({ code: 'PCLIENT_DATA_LOSS' })
    expect(data.length).toBeLessThan(content.length)
    expect(data.equals(content.subarray(0, data.length))).toBe(true)
  })

  it('cancels the gRPC call when the reader goes away', async () => {
    const peer = await start('peer-a')
    const content = randomBytes(8 * 1024 * 1024)
    peer.files.set('big.bin', { content })
    const view = fileView('big.bin', content, [holder('peer-a', peer.address)])
    const download = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient }, 'big.bin')
    download.body.destroy()
    await waitFor(() => peer.cancelledDownloads === 1)
    expect(peer.cancelledDownloads).toBe(1)
  })

  it('maps what the central says: unknown names are 404, bad names 400 before asking', async () => {
    const central = {
      locate: async (): Promise<FileView> => { throw new CentralRequestError(404, 'CENTRAL_FILE_NOT_FOUND', 'no such file') }
    }
    await expect(openDownload({ central, connectPeer: createPeerFilesClient }, 'nope')).rejects.toMatchObject({ code: 'PCLIENT_FILE_NOT_FOUND', statusCode: 404 })
    await expect(openDownload({ central, connectPeer: createPeerFilesClient }, '../etc/passwd')).rejects.toMatchObject({ code: 'PCLIENT_BAD_NAME', statusCode: 400 })
  })
})
