// The pclient's metrics through its routes, against peers on real gRPC: an upload's bytes as they go
// out, a download's verified bytes as they come in, a holder that sends a bad piece counted as a
// verification failure and a failover, nothing left in progress, and each answer timed by its route.
import { randomBytes } from 'node:crypto'
import type { FileView, Placement, PlacementBody } from '@p2p/proto'
import type { FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { createClientMetrics } from '../src/metrics.js'
import { buildTestApp, multipartBody } from './helpers/client-app.js'
import { sha256Hex, startFakePeer } from './helpers/fake-peer.js'
import type { FakePeer } from './helpers/fake-peer.js'

let app: FastifyInstance | undefined
let peers: FakePeer[] = []
afterEach(async () => {
  await app?.close()
  await Promise.all(peers.map(async (peer) => { await peer.close() }))
  app = undefined
  peers = []
})

async function peer (peerId: string): Promise<FakePeer> {
  const started = await startFakePeer(peerId)
  peers.push(started)
  return started
}

/** The text a scrape of the registry reads. */
async function scrape (registry: Registry): Promise<string> {
  return await registry.metrics()
}

describe('the pclient\'s metrics', () => {
  it('count an upload\'s bytes sent and a download\'s verified bytes received, and time each route', async () => {
    const metrics = createClientMetrics()
    const target = await peer('peer-a')
    const content = randomBytes(300_000)
    target.files.set('photo.jpg', { content })
    app = await buildTestApp({
      metrics,
      central: {
        place: async (body: PlacementBody): Promise<Placement> => ({ ...body, peerId: target.peerId, grpcAddress: target.address }),
        locate: async (name: string): Promise<FileView> => ({
          name, size: content.length, sha256: sha256Hex(content), addedAt: '2026-01-01T00:00:00.000Z', replicas: 1, status: 'under-replicated',
          holders: [{ peerId: target.peerId, grpcAddress: target.address, freeBytes: 0, activeTransfers: 0 }]
        })
      }
    })
    const { payload, headers } = multipartBody([{ field: 'file', filename: 'upload.bin', content }])
    expect((await app.inject({ method: 'POST', url: '/upload_file/', payload, headers: { ...headers, accept: 'application/json' } })).statusCode).toBe(201)
    const downloaded = await app.inject({ method: 'GET', url: '/download/photo.jpg' })
    expect(downloaded.statusCode).toBe(200)

    const text = await scrape(metrics.registry)
    expect(text).toContain(`p2p_transfer_bytes_total{kind="upload",direction="sent"} ${content.length}`)
    expect(text).toContain(`p2p_transfer_bytes_total{kind="download",direction="received"} ${content.length}`)
    expect(text).toContain('p2p_transfers_in_progress{kind="upload"} 0')
    expect(text).toContain('p2p_transfers_in_progress{kind="download"} 0')
    expect(text).toContain('p2p_http_request_duration_seconds_count{method="POST",route="/upload_file/",status="201"} 1')
    expect(text).toContain('p2p_http_request_duration_seconds_count{method="GET",route="/download/:name",status="200"} 1')
    expect(text).toContain('p2p_download_holder_failovers_total 0')
  })

  it('count a holder whose piece fails its hash as a verification failure and a failover to the next holder', async () => {
    const metrics = createClientMetrics()
    const liar = await peer('liar')
    const honest = await peer('honest')
    const content = randomBytes(200_000)
    liar.files.set('f.bin', { content, corruptAt: 1000 })
    honest.files.set('f.bin', { content })
    app = await buildTestApp({
      metrics,
      central: {
        locate: async (name: string): Promise<FileView> => ({
          name, size: content.length, sha256: sha256Hex(content), addedAt: '2026-01-01T00:00:00.000Z', replicas: 2, status: 'ok',
          holders: [liar, honest].map((holder) => ({ peerId: holder.peerId, grpcAddress: holder.address, freeBytes: 0, activeTransfers: 0 }))
        })
      }
    })
    const response = await app.inject({ method: 'GET', url: '/download/f.bin' })
    expect(response.statusCode).toBe(200)
    expect(response.rawPayload.equals(content)).toBe(true)
    const text = await scrape(metrics.registry)
    expect(text).toContain('p2p_download_piece_verification_failures_total 1')
    expect(text).toContain('p2p_download_holder_failovers_total 1')
    // Only verified bytes count: the bad piece never reached the user.
    expect(text).toContain(`p2p_transfer_bytes_total{kind="download",direction="received"} ${content.length}`)
  })
})
