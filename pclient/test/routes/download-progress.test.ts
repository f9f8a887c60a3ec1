import { randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FileView } from '@p2p/proto'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp } from '../helpers/client-app.js'
import { sha256Hex, startFakePeer } from '../helpers/fake-peer.js'
import type { FakePeer } from '../helpers/fake-peer.js'

/** A page whose central says `holder` alone holds any name asked for, with `content`. */
async function appLocatingAt (holder: FakePeer, content: Buffer): Promise<FastifyInstance> {
  return await buildTestApp({
    central: {
      locate: async (name: string): Promise<FileView> => ({
        name, size: content.length, sha256: sha256Hex(content), addedAt: '2026-01-01T00:00:00.000Z',
        holders: [{ peerId: holder.peerId, grpcAddress: holder.address, freeBytes: 0, activeTransfers: 0 }],
        replicas: 1,
        status: 'under-replicated'
      })
    }
  })
}

describe('GET /api/downloads', () => {
  let app: FastifyInstance | undefined
  let peer: FakePeer | undefined
  afterEach(async () => {
    await app?.close()
    await peer?.close()
    app = undefined
    peer = undefined
  })

  it('lists nothing before the first download, and is never cached', async () => {
    app = await buildTestApp()
    const response = await app.inject({ method: 'GET', url: '/api/downloads' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.json()).toEqual({ downloads: [] })
  })

  it('lists a finished download with the holder its bytes came from', async () => {
    peer = await startFakePeer('peer-a')
    const content = randomBytes(100_000)
    peer.files.set('a.txt', { content })
    app = await appLocatingAt(peer, content)
    const download = await app.inject({ method: 'GET', url: '/download/a.txt' })
    expect(download.statusCode).toBe(200)
    let downloads: Array<{ state: string }> = []
    // The record is closed as the stream ends, which may be just after the answer was read.
    for (let attempt = 0; attempt < 100 && downloads[0]?.state !== 'done'; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 10))
      downloads = (await app.inject({ method: 'GET', url: '/api/downloads' })).json().downloads
    }
    expect(downloads).toEqual([expect.objectContaining({
      name: 'a.txt', size: content.length, bytesSent: content.length, state: 'done',
      sources: [expect.objectContaining({ peerId: 'peer-a', bytes: content.length, state: 'done' })]
    })])
  })

  it('records a download the user left midway as cancelled, not as failed by a holder', async () => {
    peer = await startFakePeer('peer-a')
    const content = randomBytes(16 * 1024 * 1024)
    peer.files.set('big.bin', { content })
    app = await appLocatingAt(peer, content)
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as AddressInfo
    // A real client that reads the first bytes and goes away.
    await new Promise<void>((resolve, reject) => {
      const request = http.get({ host: '127.0.0.1', port, path: '/download/big.bin' }, (response) => {
        response.once('data', () => { request.destroy(); resolve() })
      })
      request.once('error', (err) => { if (!request.destroyed) reject(err) })
    })
    let downloads: Array<{ state: string, error?: string }> = []
    for (let attempt = 0; attempt < 200 && (downloads[0] == null || downloads[0].state === 'active'); attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 10))
      downloads = (await app.inject({ method: 'GET', url: '/api/downloads' })).json().downloads
    }
    expect(downloads[0]).toMatchObject({ name: 'big.bin', state: 'failed', error: 'the download was cancelled' })
    expect(downloads[0]).not.toHaveProperty('errorCode')
  })
})
