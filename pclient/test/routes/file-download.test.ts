import { randomBytes } from 'node:crypto'
import { get } from 'node:http'
import { CentralRequestError } from '@p2p/proto'
import type { FileView } from '@p2p/proto'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { BROWSER_ACCEPT, buildTestApp } from '../helpers/client-app.js'
import { waitFor } from '../helpers/closed-port.js'
import { sha256Hex, startFakePeer } from '../helpers/fake-peer.js'
import type { FakePeer } from '../helpers/fake-peer.js'

describe('GET /download/:name', () => {
  let app: FastifyInstance | undefined
  let peer: FakePeer | undefined
  afterEach(async () => {
    await app?.close()
    await peer?.close()
    app = undefined
    peer = undefined
  })

  const locateOn = (target: FakePeer, content: Buffer) => ({
    locate: async (name: string): Promise<FileView> => ({
      name, size: content.length, sha256: sha256Hex(content), addedAt: '2026-01-01T00:00:00.000Z',
      holders: [{ peerId: target.peerId, grpcAddress: target.address, freeBytes: 0, activeTransfers: 0 }],
      replicas: 1,
      status: 'under-replicated'
    })
  })

  it('refuses a name that is a path with 400', async () => {
    app = await buildTestApp()
    const response = await app.inject({ method: 'GET', url: '/download/..%2Fx' })
    expect(response.statusCode).toBe(400)
    expect(['PCLIENT_BAD_NAME', 'PCLIENT_VALIDATION']).toContain(response.json().error)
  })

  it('is 404 PCLIENT_FILE_NOT_FOUND when the central knows no such file', async () => {
    app = await buildTestApp({ central: { locate: async () => { throw new CentralRequestError(404, 'CENTRAL_FILE_NOT_FOUND', 'no live peer holds it') } } })
    const response = await app.inject({ method: 'GET', url: '/download/nope.txt' })
    expect(response.statusCode).toBe(404)
    expect(response.json()).toMatchObject({ statusCode: 404, error: 'PCLIENT_FILE_NOT_FOUND' })
  })

  it('is 502 when the central is unreachable', async () => {
    app = await buildTestApp()
    const response = await app.inject({ method: 'GET', url: '/download/a.txt' })
    expect(response.statusCode).toBe(502)
    expect(response.json()).toMatchObject({ error: 'PCLIENT_CENTRAL_UNREACHABLE' })
  })

  it('streams the file with its length, disposition and hash', async () => {
    peer = await startFakePeer('peer-a')
    const content = randomBytes(500_000)
    peer.files.set('a #1 ?%.txt', { content })
    app = await buildTestApp({ central: locateOn(peer, content) })
    const response = await app.inject({ method: 'GET', url: `/download/${encodeURIComponent('a #1 ?%.txt')}` })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/octet-stream')
    expect(response.headers['content-length']).toBe(String(content.length))
    expect(response.headers['content-disposition']).toBe(`attachment; filename="a #1 ?_.txt"; filename*=UTF-8''a%20%231%20%3F%25.txt`)
    expect(response.headers['x-content-sha256']).toBe(sha256Hex(content))
    expect(response.headers['accept-ranges']).toBe('bytes')
    expect(response.headers.etag).toBe(`"${sha256Hex(content)}"`)
    expect(response.rawPayload.equals(content)).toBe(true)
  })

  describe('with Range', () => {
    const PIECE = 64 * 1024
    const content = randomBytes(300_000)
    const etag = `"${sha256Hex(content)}"`
    const setUp = async (): Promise<FastifyInstance> => {
      peer = await startFakePeer('peer-a')
      peer.files.set('f.bin', { content, pieceSize: PIECE })
      return await buildTestApp({ central: locateOn(peer, content) })
    }

    it.each([
      ['bytes=1000-1999', 1000, 2000],
      ['bytes=299990-', 299_990, 300_000],
      ['bytes=-70000', 230_000, 300_000],
      ['bytes=0-', 0, 300_000]
    ])('answers %s with 206, its Content-Range and exactly its bytes', async (range, start, end) => {
      app = await setUp()
      const response = await app.inject({ method: 'GET', url: '/download/f.bin', headers: { range } })
      expect(response.statusCode).toBe(206)
      expect(response.headers['content-range']).toBe(`bytes ${start}-${end - 1}/${content.length}`)
      expect(response.headers['content-length']).toBe(String(end - start))
      expect(response.headers['accept-ranges']).toBe('bytes')
      expect(response.rawPayload.equals(content.subarray(start, end))).toBe(true)
    })

    it('asks the peer for the piece-aligned range that covers the requested bytes', async () => {
      app = await setUp()
      await app.inject({ method: 'GET', url: '/download/f.bin', headers: { range: 'bytes=70000-140000' } })
      expect(peer?.downloads).toEqual([expect.objectContaining({ offset: PIECE, length: 2 * PIECE })])
    })

    it('is 416 with Content-Range bytes */size and a JSON error when the range is past the end', async () => {
      app = await setUp()
      const response = await app.inject({ method: 'GET', url: '/download/f.bin', headers: { range: 'bytes=300000-' } })
      expect(response.statusCode).toBe(416)
      expect(response.headers['content-range']).toBe(`bytes */${content.length}`)
      expect(response.json()).toMatchObject({ statusCode: 416, error: 'PCLIENT_RANGE_NOT_SATISFIABLE' })
      expect(response.headers['content-disposition']).toBeUndefined()
      expect(peer?.downloads).toHaveLength(0)
    })

    it('serves several ranges as the whole file with 200', async () => {
      app = await setUp()
      const response = await app.inject({ method: 'GET', url: '/download/f.bin', headers: { range: 'bytes=0-9,100-109' } })
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-range']).toBeUndefined()
      expect(response.rawPayload.equals(content)).toBe(true)
    })

    it('resumes with If-Range carrying the current ETag, and sends the whole file with 200 for a stale one', async () => {
      app = await setUp()
      const fresh = await app.inject({ method: 'GET', url: '/download/f.bin', headers: { range: 'bytes=200000-', 'if-range': etag } })
      expect(fresh.statusCode).toBe(206)
      expect(fresh.rawPayload.equals(content.subarray(200_000))).toBe(true)
      const stale = await app.inject({ method: 'GET', url: '/download/f.bin', headers: { range: 'bytes=200000-', 'if-range': `"${'0'.repeat(64)}"` } })
      expect(stale.statusCode).toBe(200)
      expect(stale.headers['content-range']).toBeUndefined()
      expect(stale.headers['content-length']).toBe(String(content.length))
      expect(stale.rawPayload.equals(content)).toBe(true)
    })

    it('ignores an invalid range such as bytes=5-2 and serves the whole file with 200 (RFC 9110)', async () => {
      app = await setUp()
      const response = await app.inject({ method: 'GET', url: '/download/f.bin', headers: { range: 'bytes=5-2' } })
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-range']).toBeUndefined()
      expect(response.rawPayload.equals(content)).toBe(true)
    })

    it('answers 304 Not Modified, with no body and no peer asked, when If-None-Match carries the ETag', async () => {
      app = await setUp()
      for (const method of ['GET', 'HEAD'] as const) {
        for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
          const response = await app.inject({ method, url: '/download/f.bin', headers: { 'if-none-match': header, range: 'bytes=0-9' } })
          expect(response.statusCode, header).toBe(304)
          expect(response.headers.etag).toBe(etag)
          expect(response.rawPayload.length).toBe(0)
        }
      }
      expect(peer?.downloads).toHaveLength(0)
      const other = await app.inject({ method: 'GET', url: '/download/f.bin', headers: { 'if-none-match': `"${'0'.repeat(64)}"` } })
      expect(other.statusCode).toBe(200)
      expect(other.rawPayload.equals(content)).toBe(true)
    })

    it('answers HEAD with the headers a GET would carry, without asking a peer', async () => {
      app = await setUp()
      const response = await app.inject({ method: 'HEAD', url: '/download/f.bin', headers: { range: 'bytes=10-19' } })
      expect(response.statusCode).toBe(206)
      expect(response.headers['content-length']).toBe('10')
      expect(response.headers['content-range']).toBe(`bytes 10-19/${content.length}`)
      expect(response.headers.etag).toBe(etag)
      expect(response.rawPayload.length).toBe(0)
      expect(peer?.downloads).toHaveLength(0)
    })
  })

  it('answers an error, without download headers, when the only chunk is corrupted', async () => {
    peer = await startFakePeer('peer-a')
    const content = randomBytes(1000)
    peer.files.set('f.bin', { content, corruptAt: 999 })
    app = await buildTestApp({ central: locateOn(peer, content) })
    const response = await app.inject({ method: 'GET', url: '/download/f.bin' })
    expect(response.statusCode).toBe(502)
    expect(response.json()).toMatchObject({ error: 'PCLIENT_DATA_LOSS' })
    expect(response.headers['content-disposition']).toBeUndefined()
  })

  it('cuts the HTTP transfer short, before the corrupted piece, when a later piece is corrupted', async () => {
    peer = await startFakePeer('peer-a')
    const content = randomBytes(400_000)
    peer.files.set('f.bin', { content, corruptAt: 300_000, pieceSize: 64 * 1024 })
    app = await buildTestApp({ central: locateOn(peer, content) })
    // A real socket: what matters is what a browser receives when the response is destroyed.
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    const result = await new Promise<{ status: number, received: number, complete: boolean }>((resolve) => {
      get(`${url}/download/f.bin`, (res) => {
        let received = 0
        res.on('data', (chunk: Buffer) => { received += chunk.length })
        res.on('end', () => { resolve({ status: res.statusCode ?? 0, received, complete: res.complete }) })
        res.on('error', () => { resolve({ status: res.statusCode ?? 0, received, complete: false }) })
      }).on('error', () => { resolve({ status: 0, received: 0, complete: false }) })
    })
    expect(result.status).toBe(200)
    expect(result.complete).toBe(false)
    // Nothing of piece 4 (262144-327679) or after leaves; how much of the rest arrives depends on the socket.
    expect(result.received).toBeLessThanOrEqual(4 * 64 * 1024)
  })

  it('aborts a running download when the app closes and its drain grace is over, and cancels the gRPC call', async () => {
    peer = await startFakePeer('peer-a')
    const content = randomBytes(16 * 1024 * 1024)
    peer.files.set('big.bin', { content })
    app = await buildTestApp({ central: locateOn(peer, content), drainGraceMs: 0 })
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    const running = app
    const result = await new Promise<{ received: number, complete: boolean }>((resolve) => {
      get(`${url}/download/big.bin`, (res) => {
        let received = 0
        res.once('data', () => { void running.close() })
        res.on('data', (chunk: Buffer) => { received += chunk.length })
        res.on('end', () => { resolve({ received, complete: res.complete }) })
        res.on('error', () => { resolve({ received, complete: false }) })
      }).on('error', () => { resolve({ received: 0, complete: false }) })
    })
    expect(result.complete).toBe(false)
    expect(result.received).toBeLessThan(content.length)
    await waitFor(() => peer?.cancelledDownloads === 1)
  })

  it('shows a browser the page with the error', async () => {
    app = await buildTestApp({ central: { locate: async () => { throw new CentralRequestError(404, 'CENTRAL_FILE_NOT_FOUND', 'no live peer holds it') } } })
    const response = await app.inject({ method: 'GET', url: '/download/nope.txt', headers: { accept: BROWSER_ACCEPT } })
    expect(response.statusCode).toBe(404)
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    expect(response.body).toContain('no live peer holds it')
  })
})
