// The request id of a download or an upload: the proxy's (a well-formed x-request-id) or a new one,
// answered in x-request-id, and passed on to the central with each call for the transfer and to every
// peer in each gRPC call's metadata, so each of them logs its part under the same id.
import { randomBytes } from 'node:crypto'
import type { FileView, Placement, PlacementBody } from '@p2p/proto'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, multipartBody } from '../helpers/client-app.js'
import { sha256Hex, startFakePeer } from '../helpers/fake-peer.js'
import type { FakePeer } from '../helpers/fake-peer.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

let app: FastifyInstance | undefined
let peer: FakePeer | undefined
afterEach(async () => {
  await app?.close()
  await peer?.close()
  app = undefined
  peer = undefined
})

/** A central that locates every name on `target` and places every upload there, noting each call's request id. */
function centralOn (target: FakePeer, content: Buffer, seen: Array<string | undefined>): { locate: (name: string, options?: { requestId?: string }) => Promise<FileView>, place: (body: PlacementBody, options?: { requestId?: string }) => Promise<Placement> } {
  return {
    locate: async (name, options) => {
      seen.push(options?.requestId)
      return {
        name, size: content.length, sha256: sha256Hex(content), addedAt: '2026-01-01T00:00:00.000Z',
        holders: [{ peerId: target.peerId, grpcAddress: target.address, freeBytes: 0, activeTransfers: 0 }], replicas: 1, status: 'under-replicated'
      }
    },
    place: async (body, options) => {
      seen.push(options?.requestId)
      return { name: body.name, size: body.size, peerId: target.peerId, grpcAddress: target.address, ticket: 'ticket' }
    }
  }
}

describe('request ids through the web client', () => {
  it("passes a download's id from the proxy to the central and to every call to the holder", async () => {
    peer = await startFakePeer('peer-a')
    const content = randomBytes(10_000)
    peer.files.set('a.txt', { content })
    const seen: Array<string | undefined> = []
    app = await buildTestApp({ central: centralOn(peer, content, seen) })
    const response = await app.inject({ method: 'GET', url: '/download/a.txt', headers: { 'x-request-id': 'proxy-id-1' } })
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-request-id']).toBe('proxy-id-1')
    expect(seen).toEqual(['proxy-id-1'])
    expect(peer.requestIds.length).toBeGreaterThanOrEqual(2)
    expect(new Set(peer.requestIds)).toEqual(new Set(['proxy-id-1']))
  })

  it("passes an upload's id to the central's placement and to the peer's Upload call", async () => {
    peer = await startFakePeer('peer-a')
    const seen: Array<string | undefined> = []
    app = await buildTestApp({ central: centralOn(peer, Buffer.alloc(0), seen) })
    const { payload, headers } = multipartBody([{ field: 'file', filename: 'b.txt', content: 'data' }])
    const response = await app.inject({ method: 'POST', url: '/upload_file/', payload, headers: { ...headers, accept: 'application/json', 'x-request-id': 'proxy-id-2' } })
    expect(response.statusCode).toBe(201)
    expect(seen).toEqual(['proxy-id-2'])
    expect(peer.requestIds).toEqual(['proxy-id-2'])
  })

  it('chooses a new id when the request has none, or one of another shape', async () => {
    peer = await startFakePeer('peer-a')
    const content = randomBytes(100)
    peer.files.set('a.txt', { content })
    const seen: Array<string | undefined> = []
    app = await buildTestApp({ central: centralOn(peer, content, seen) })
    const none = await app.inject({ method: 'GET', url: '/download/a.txt' })
    const bad = await app.inject({ method: 'GET', url: '/download/a.txt', headers: { 'x-request-id': 'a b {c}' } })
    for (const response of [none, bad]) {
      expect(response.statusCode).toBe(200)
      expect(response.headers['x-request-id']).toMatch(UUID)
    }
    expect(none.headers['x-request-id']).not.toBe(bad.headers['x-request-id'])
    expect(seen).toEqual([none.headers['x-request-id'], bad.headers['x-request-id']])
  })
})
