import { randomBytes } from 'node:crypto'
import type { Readable } from 'node:stream'
import { status } from '@grpc/grpc-js'
import { CentralRequestError } from '@p2p/proto'
import { createPeerFilesClient } from '@p2p/proto/grpc'
import type { FileView, Holder } from '@p2p/proto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { localFirst, locateFile, openDownload } from '../../src/transfers/download.js'
import type { DownloadComponents } from '../../src/transfers/download.js'
import { closedPort, waitFor } from '../helpers/closed-port.js'
import { sha256Hex, startFakePeer } from '../helpers/fake-peer.js'
import type { FakePeer } from '../helpers/fake-peer.js'

/** Small pieces, so a few hundred KB exercise many of them. */
const PIECE = 64 * 1024

function holder (peerId: string, grpcAddress: string): Holder {
  return { peerId, grpcAddress, freeBytes: 0, activeTransfers: 0 }
}

function fileView (name: string, content: Buffer, holders: Holder[]): FileView {
  return { name, size: content.length, sha256: sha256Hex(content), addedAt: new Date().toISOString(), holders, replicas: holders.length, status: holders.length >= 2 ? 'ok' : 'under-replicated' }
}

/** Reads in flowing mode, as a socket would, keeping what arrived before an error. */
async function readAll (stream: Readable): Promise<{ data: Buffer, error: unknown }> {
  const chunks: Buffer[] = []
  stream.on('data', (chunk: Buffer) => { chunks.push(chunk) })
  const error = await new Promise<unknown>((resolve) => {
    stream.once('end', () => { resolve(null) })
    stream.once('error', resolve)
  })
  return { data: Buffer.concat(chunks), error }
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
  const components = (view: FileView, extra: Partial<DownloadComponents> = {}): DownloadComponents =>
    ({ central: { locate: async () => view }, connectPeer: createPeerFilesClient, ...extra })

  it('streams a file from its holder, byte-identical, piece by piece', async () => {
    const peer = await start('peer-a')
    const content = randomBytes(700_000)
    peer.files.set('a #1 ?%.txt', { content, pieceSize: PIECE, chunkBytes: 50_000 })
    const view = fileView('a #1 ?%.txt', content, [holder('peer-a', peer.address)])
    const download = await openDownload(components(view), view)
    expect(download.holder.peerId).toBe('peer-a')
    const { data, error } = await readAll(download.body)
    expect(error).toBeNull()
    expect(data.equals(content)).toBe(true)
  })

  it('streams an empty file', async () => {
    const peer = await start('peer-a')
    peer.files.set('empty', { content: Buffer.alloc(0) })
    const view = fileView('empty', Buffer.alloc(0), [holder('peer-a', peer.address)])
    const download = await openDownload(components(view), view)
    const { data, error } = await readAll(download.body)
    expect(error).toBeNull()
    expect(data.length).toBe(0)
  })

  it('fetches a byte range as the pieces that cover it, and hands on exactly its bytes', async () => {
    const peer = await start('peer-a')
    const content = randomBytes(500_000)
    peer.files.set('f.bin', { content, pieceSize: PIECE, chunkBytes: 30_000 })
    const view = fileView('f.bin', content, [holder('peer-a', peer.address)])
    const download = await openDownload(components(view), view, { range: { start: 100_000, end: 300_001 } })
    const { data, error } = await readAll(download.body)
    expect(error).toBeNull()
    expect(data.equals(content.subarray(100_000, 300_001))).toBe(true)
    // Pieces 1-4 (bytes 65536-327679), so every byte handed on was verified.
    expect(peer.downloads).toEqual([expect.objectContaining({ offset: PIECE, length: 4 * PIECE })])
  })

  it('never hands on a corrupted piece: the body errors, naming the file and the peer, after the good pieces only', async () => {
    const peer = await start('peer-a')
    const content = randomBytes(400_000)
    // The peer's piece hashes are honest; the bytes it sends of piece 3 are not.
    peer.files.set('f.bin', { content, pieceSize: PIECE, corruptAt: 3 * PIECE + 17 })
    const view = fileView('f.bin', content, [holder('peer-a', peer.address)])
    const download = await openDownload(components(view), view)
    const { data, error } = await readAll(download.body)
    expect(error).toMatchObject({ code: 'PCLIENT_DATA_LOSS', statusCode: 502 })
    expect((error as Error).message).toContain("'f.bin' from peer peer-a")
    expect(data.equals(content.subarray(0, 3 * PIECE))).toBe(true)
    await waitFor(() => peer.cancelledDownloads === 1)
  })

  it('errors the body with a PCLIENT_ code when the holder fails after the first piece', async () => {
    const peer = await start('peer-a')
    const content = randomBytes(300_000)
    peer.files.set('f.bin', { content, pieceSize: PIECE, chunkBytes: 32 * 1024, failAfterBytes: 2 * PIECE })
    const view = fileView('f.bin', content, [holder('peer-a', peer.address)])
    const download = await openDownload(components(view), view)
    const { data, error } = await readAll(download.body)
    expect(error).toMatchObject({ code: 'PCLIENT_PEER_ERROR', statusCode: 502 })
    // Whole verified pieces only, and only the ones sent before the failure.
    expect(data.length % PIECE).toBe(0)
    expect(data.length).toBeLessThanOrEqual(2 * PIECE)
    expect(data.equals(content.subarray(0, data.length))).toBe(true)
  })

  it('moves on to the next holder when the first piece of the first holder is corrupted', async () => {
    const bad = await start('peer-bad')
    const good = await start('peer-good')
    const content = randomBytes(200_000)
    bad.files.set('f.bin', { content, pieceSize: PIECE, corruptAt: 5 })
    good.files.set('f.bin', { content, pieceSize: PIECE })
    const view = fileView('f.bin', content, [holder('peer-bad', bad.address), holder('peer-good', good.address)])
    const warnings: unknown[] = []
    const download = await openDownload(components(view, { log: { warn: (obj: unknown) => { warnings.push(obj) }, info: () => {}, debug: () => {} } }), view)
    expect(download.holder.peerId).toBe('peer-good')
    expect((await readAll(download.body)).data.equals(content)).toBe(true)
    expect(warnings).toEqual([expect.objectContaining({ peerId: 'peer-bad', code: 'PCLIENT_DATA_LOSS' })])
  })

  it('skips a holder whose description disagrees with the central, or whose piece table is malformed', async () => {
    const liar = await start('peer-liar')
    const broken = await start('peer-broken')
    const good = await start('peer-good')
    const content = randomBytes(150_000)
    liar.files.set('f.bin', { content, info: { size: content.length + 1 } })
    broken.files.set('f.bin', { content, pieceSize: PIECE, info: { pieceSha256: [] } })
    good.files.set('f.bin', { content })
    const view = fileView('f.bin', content, [holder('peer-liar', liar.address), holder('peer-broken', broken.address), holder('peer-good', good.address)])
    const download = await openDownload(components(view), view)
    expect(download.holder.peerId).toBe('peer-good')
    expect((await readAll(download.body)).data.equals(content)).toBe(true)
    // Neither bad holder was asked for a byte.
    expect(liar.downloads).toHaveLength(0)
    expect(broken.downloads).toHaveLength(0)
  })

  it('fails over to the next holder when the first is down or lacks the file', async () => {
    const good = await start('peer-good')
    const missing = await start('peer-missing')
    const content = randomBytes(100_000)
    good.files.set('f.bin', { content })
    const down = `127.0.0.1:${await closedPort()}`
    const view = fileView('f.bin', content, [holder('peer-down', down), holder('peer-missing', missing.address), holder('peer-good', good.address)])
    const warnings: unknown[] = []
    const download = await openDownload(components(view, { log: { warn: (obj: unknown) => { warnings.push(obj) }, info: () => {}, debug: () => {} } }), view)
    expect(download.holder.peerId).toBe('peer-good')
    expect((await readAll(download.body)).data.equals(content)).toBe(true)
    expect(warnings).toHaveLength(2)
  })

  it('gives up on a holder that sends no whole piece in time, and takes the next one', async () => {
    const silent = await start('peer-silent')
    const good = await start('peer-good')
    const content = randomBytes(100_000)
    silent.files.set('f.bin', { content, stall: true })
    good.files.set('f.bin', { content })
    const view = fileView('f.bin', content, [holder('peer-silent', silent.address), holder('peer-good', good.address)])
    const download = await openDownload(components(view, { firstPieceTimeoutMs: 300 }), view)
    expect(download.holder.peerId).toBe('peer-good')
    expect((await readAll(download.body)).data.equals(content)).toBe(true)
    await waitFor(() => silent.cancelledDownloads === 1)
  })

  it('reports the last holder error when every holder fails', async () => {
    const peer = await start('peer-a')
    peer.files.set('f.bin', { content: Buffer.from('x'), failWith: status.INTERNAL })
    const view = fileView('f.bin', Buffer.from('x'), [holder('peer-a', peer.address)])
    await expect(openDownload(components(view), view)).rejects.toMatchObject({ code: 'PCLIENT_PEER_ERROR', statusCode: 502 })
  })

  it('refuses a range outside the file before asking a peer', async () => {
    const content = Buffer.from('0123456789')
    const view = fileView('f.bin', content, [holder('peer-a', '127.0.0.1:1')])
    await expect(openDownload(components(view), view, { range: { start: 5, end: 11 } })).rejects.toMatchObject({ code: 'PCLIENT_RANGE_NOT_SATISFIABLE', statusCode: 416 })
    await expect(openDownload(components(view), view, { range: { start: 3, end: 3 } })).rejects.toMatchObject({ code: 'PCLIENT_RANGE_NOT_SATISFIABLE' })
  })

  it('cancels the gRPC call when the reader goes away', async () => {
    const peer = await start('peer-a')
    const content = randomBytes(8 * 1024 * 1024)
    peer.files.set('big.bin', { content })
    const view = fileView('big.bin', content, [holder('peer-a', peer.address)])
    const download = await openDownload(components(view), view)
    download.body.destroy()
    await waitFor(() => peer.cancelledDownloads === 1)
    expect(peer.cancelledDownloads).toBe(1)
  })
})

describe('locateFile', () => {
  it('maps what the central says: unknown names are 404, bad names 400 before asking', async () => {
    const central = {
      locate: async (): Promise<FileView> => { throw new CentralRequestError(404, 'CENTRAL_FILE_NOT_FOUND', 'no such file') }
    }
    await expect(locateFile({ central }, 'nope')).rejects.toMatchObject({ code: 'PCLIENT_FILE_NOT_FOUND', statusCode: 404 })
    await expect(locateFile({ central }, '../etc/passwd')).rejects.toMatchObject({ code: 'PCLIENT_BAD_NAME', statusCode: 400 })
  })

  it('is 404 when the central lists no live holder', async () => {
    const central = { locate: async (): Promise<FileView> => fileView('f', Buffer.from('x'), []) }
    await expect(locateFile({ central }, 'f')).rejects.toMatchObject({ code: 'PCLIENT_FILE_NOT_FOUND' })
  })
})

describe('the order holders are asked in', () => {
  const holderOf = (peerId: string): Holder => ({ peerId, grpcAddress: '127.0.0.1:1', freeBytes: 0, activeTransfers: 0 })
  it('puts this peer\'s own pserver first and keeps the central\'s order otherwise', () => {
    const holders = ['peer-2', 'peer-3', 'peer-1'].map(holderOf)
    expect(localFirst(holders, 'peer-1').map((h) => h.peerId)).toEqual(['peer-1', 'peer-2', 'peer-3'])
    expect(localFirst(holders, 'peer-9').map((h) => h.peerId)).toEqual(['peer-2', 'peer-3', 'peer-1'])
    expect(localFirst(holders, null).map((h) => h.peerId)).toEqual(['peer-2', 'peer-3', 'peer-1'])
  })
})
