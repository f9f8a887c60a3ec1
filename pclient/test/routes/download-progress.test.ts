import { randomBytes } from 'node:crypto'
import type { FileView } from '@p2p/proto'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp } from '../helpers/client-app.js'
import { sha256Hex, startFakePeer } from '../helpers/fake-peer.js'
import type { FakePeer } from '../helpers/fake-peer.js'

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
    const holder = peer
    app = await buildTestApp({
      central: {
        locate: async (name: string): Promise<FileView> => ({
          name, size: content.length, sha256: sha256Hex(content), addedAt: '2026-01-01T00:00:00.000Z',
          holders: [{ peerId: holder.peerId, grpcAddress: holder.address, freeBytes: 0, activeTransfers: 0 }],
          replicas: 1,
          status: 'under-replicated'
        })
      }
    })
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
})
