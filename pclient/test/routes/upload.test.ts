import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import type { ClientWritableStream } from '@grpc/grpc-js'
import { CentralRequestError, fileDeleteToken } from '@p2p/proto'
import { createPeerFilesClient } from '@p2p/proto/grpc'
import type { HealthResponse, Placement, PlacementBody, UploadRequest } from '@p2p/proto'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { BROWSER_ACCEPT, buildTestApp, multipartBody, TEST_CLUSTER_SECRET } from '../helpers/client-app.js'
import { waitFor } from '../helpers/closed-port.js'
import { sha256Hex, startFakePeer } from '../helpers/fake-peer.js'
import type { FakePeer } from '../helpers/fake-peer.js'
import type { ConnectPeer } from '../../src/transfers/peer-connector.js'

const JSON_ACCEPT = { accept: 'application/json' }

describe('POST /upload_file/', () => {
  let app: FastifyInstance | undefined
  let peer: FakePeer | undefined
  afterEach(async () => {
    await app?.close()
    await peer?.close()
    app = undefined
    peer = undefined
  })

  const placeOn = (target: FakePeer, placed: PlacementBody[] = []) => ({
    place: async (body: PlacementBody): Promise<Placement> => {
      placed.push(body)
      return { ...body, peerId: target.peerId, grpcAddress: target.address }
    }
  })

  it.each([
    { 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'same-site' },
    { origin: 'http://evil.example' },
    { origin: 'null' },
    { origin: 'http://127.0.0.1:8002', host: '127.0.0.1:8001' }
  ])('is 403 PCLIENT_CROSS_SITE for a browser request from another site (%j), and nothing is placed', async (from) => {
    const placed: PlacementBody[] = []
    peer = await startFakePeer()
    app = await buildTestApp({ central: placeOn(peer, placed) })
    const { payload, headers } = multipartBody([{ field: 'file', filename: 'planted.txt', content: 'data' }])
    const response = await app.inject({ method: 'POST', url: '/upload_file/', payload, headers: { ...headers, ...JSON_ACCEPT, ...from } })
    expect(response.statusCode).toBe(403)
    expect(response.json()).toMatchObject({ statusCode: 403, error: 'PCLIENT_CROSS_SITE' })
    expect(placed).toHaveLength(0)
    expect(peer.uploads).toHaveLength(0)
  })

  it('takes an upload from its own page (same origin) and from tools that say nothing', async () => {
    peer = await startFakePeer('peer-a')
    app = await buildTestApp({ central: placeOn(peer) })
    const own = multipartBody([{ field: 'file', filename: 'own.txt', content: 'mine' }])
    const fromPage = await app.inject({
      method: 'POST', url: '/upload_file/', payload: own.payload,
      headers: { ...own.headers, ...JSON_ACCEPT, host: 'peer.example:8001', origin: 'http://peer.example:8001', 'sec-fetch-site': 'same-origin' }
    })
    expect(fromPage.statusCode).toBe(201)
    const tool = multipartBody([{ field: 'file', filename: 'tool.txt', content: 'curl' }])
    expect((await app.inject({ method: 'POST', url: '/upload_file/', payload: tool.payload, headers: { ...tool.headers, ...JSON_ACCEPT } })).statusCode).toBe(201)
  })

  it('is 400 PCLIENT_NO_FILE without a file part', async () => {
    app = await buildTestApp()
    const { payload, headers } = multipartBody([{ field: 'comment', content: 'no file here' }])
    const response = await app.inject({ method: 'POST', url: '/upload_file/', payload, headers: { ...headers, ...JSON_ACCEPT } })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ statusCode: 400, error: 'PCLIENT_NO_FILE' })
  })

  it('is 400 PCLIENT_NO_FILE when the form was sent without choosing a file', async () => {
    app = await buildTestApp()
    const { payload, headers } = multipartBody([{ field: 'file', filename: '', content: '' }])
    const response = await app.inject({ method: 'POST', url: '/upload_file/', payload, headers: { ...headers, ...JSON_ACCEPT } })
    expect(response.json()).toMatchObject({ statusCode: 400, error: 'PCLIENT_NO_FILE' })
  })

  it('says the file name is empty when a file part has content but no name', async () => {
    app = await buildTestApp()
    const { payload, headers } = multipartBody([{ field: 'file', filename: '', content: 'some bytes' }])
    const response = await app.inject({ method: 'POST', url: '/upload_file/', payload, headers: { ...headers, ...JSON_ACCEPT } })
    expect(response.json()).toMatchObject({ statusCode: 400, error: 'PCLIENT_NO_FILE', message: expect.stringContaining('file name is empty') })
  })

  it('says how many copies the network keeps, so the one peer named is not taken for the whole story', async () => {
    peer = await startFakePeer('peer-a')
    const health = async (): Promise<HealthResponse> => ({ status: 'ok', peers: 3, files: 0, replicationFactor: 2, underReplicated: 0, lost: 0 })
    app = await buildTestApp({ central: { ...placeOn(peer, []), health } })
    const { payload, headers } = multipartBody([{ field: 'file', filename: 'b.txt', content: 'data' }])
    const response = await app.inject({ method: 'POST', url: '/upload_file/', payload, headers: { ...headers, ...JSON_ACCEPT } })
    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({ name: 'b.txt', peers: ['peer-a'], copies: 1, replicationFactor: 2 })
  })

  it('is 400 PCLIENT_NO_FILE for a body that is not multipart', async () => {
    app = await buildTestApp()
    const response = await app.inject({ method: 'POST', url: '/upload_file/', payload: { file: 'x' }, headers: JSON_ACCEPT })
    expect(response.json()).toMatchObject({ statusCode: 400, error: 'PCLIENT_NO_FILE' })
  })

  it('is 411 PCLIENT_LENGTH_REQUIRED without a Content-Length', async () => {
    app = await buildTestApp()
    const form = new FormData()
    form.append('file', new Blob(['hello']), 'hello.txt')
    // A FormData body is sent chunked, without a Content-Length.
    const response = await app.inject({ method: 'POST', url: '/upload_file/', payload: form, headers: JSON_ACCEPT })
    expect(response.statusCode).toBe(411)
    expect(response.json()).toMatchObject({ statusCode: 411, error: 'PCLIENT_LENGTH_REQUIRED' })
  })

  it('is 413 PCLIENT_TOO_LARGE when the Content-Length exceeds MAX_UPLOAD_BYTES', async () => {
    app = await buildTestApp({ maxUploadBytes: 100 })
    const { payload, headers } = multipartBody([{ field: 'file', filename: 'big.bin', content: randomBytes(200) }])
    const response = await app.inject({ method: 'POST', url: '/upload_file/', payload, headers: { ...headers, ...JSON_ACCEPT } })
    expect(response.statusCode).toBe(413)
    expect(response.json()).toMatchObject({ error: 'PCLIENT_TOO_LARGE' })
  })

  it.each(['a/b.txt', '..', 'a\\b.txt', 'tab\there.txt'])('is 400 PCLIENT_BAD_NAME for the file name %j, never rewritten', async (name) => {
    const placed: PlacementBody[] = []
    peer = await startFakePeer()
    app = await buildTestApp({ central: placeOn(peer, placed) })
    const { payload, headers } = multipartBody([{ field: 'file', filename: name, content: 'data' }])
    const response = await app.inject({ method: 'POST', url: '/upload_file/', payload, headers: { ...headers, ...JSON_ACCEPT } })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ statusCode: 400, error: 'PCLIENT_BAD_NAME' })
    expect(placed).toHaveLength(0)
  })

  it.each(['garbage', '--X\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'])('is 400 PCLIENT_BAD_REQUEST for the malformed multipart body %j', async (payload) => {
    app = await buildTestApp()
    const response = await app.inject({ method: 'POST', url: '/upload_file/', payload, headers: { 'content-type': 'multipart/form-data; boundary=X', ...JSON_ACCEPT } })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ error: 'PCLIENT_BAD_REQUEST' })
  })

  it('is 502 PCLIENT_CENTRAL_UNREACHABLE when the central is down', async () => {
    app = await buildTestApp()
    const { payload, headers } = multipartBody([{ field: 'file', filename: 'a.txt', content: 'data' }])
    const response = await app.inject({ method: 'POST', url: '/upload_file/', payload, headers: { ...headers, ...JSON_ACCEPT } })
    expect(response.statusCode).toBe(502)
    expect(response.json()).toMatchObject({ error: 'PCLIENT_CENTRAL_UNREACHABLE' })
  })

  it.each([
    [507, 'CENTRAL_NO_ROOM', 'PCLIENT_NO_ROOM'],
    [409, 'CENTRAL_FILE_EXISTS', 'PCLIENT_FILE_EXISTS']
  ])('maps the central answering %i %s to %s', async (statusCode, centralCode, code) => {
    app = await buildTestApp({ central: { place: async () => { throw new CentralRequestError(statusCode, centralCode, 'refused') } } })
    const { payload, headers } = multipartBody([{ field: 'file', filename: 'a.txt', content: 'data' }])
    const response = await app.inject({ method: 'POST', url: '/upload_file/', payload, headers: { ...headers, ...JSON_ACCEPT } })
    expect(response.statusCode).toBe(statusCode)
    expect(response.json()).toMatchObject({ statusCode, error: code })
  })

  it('streams the file to the placed peer and answers 201 JSON', async () => {
    peer = await startFakePeer('peer-a')
    const placed: PlacementBody[] = []
    app = await buildTestApp({ central: placeOn(peer, placed) })
    const content = randomBytes(300_000)
    const { payload, headers } = multipartBody([{ field: 'file', filename: 'a #1 ?%.txt', content }])
    const response = await app.inject({ method: 'POST', url: '/upload_file/', payload, headers: { ...headers, ...JSON_ACCEPT } })
    expect(response.statusCode).toBe(201)
    // The central was not asked for its replication factor here (unreachable): the answer says it cannot tell.
    // The delete token is the file's own: its name and content under the cluster's key.
    const deleteToken = fileDeleteToken(TEST_CLUSTER_SECRET, 'a #1 ?%.txt', sha256Hex(content))
    expect(response.json()).toEqual({ name: 'a #1 ?%.txt', size: content.length, sha256: sha256Hex(content), peers: ['peer-a'], copies: 1, replicationFactor: null, deleteToken })
    // The central is asked for room for the whole request, an upper bound of the file.
    expect(placed).toEqual([{ name: 'a #1 ?%.txt', size: payload.length }])
    expect(peer.uploads[0]?.header).toMatchObject({ size: payload.length, sizeIsMaximum: true })
    // The end message carries the file's exact size, so the peer keeps exactly the file.
    expect(peer.uploads[0]?.end).toEqual({ size: content.length, sha256: '' })
  })

  it('answers an early refusal while the client still sends, and keeps reading instead of breaking its connection', async () => {
    app = await buildTestApp({ maxUploadBytes: 1000 })
    const url = new URL(await app.listen({ host: '127.0.0.1', port: 0 }))
    const bodyBytes = 4 * 1024 * 1024
    const socket = connect(Number(url.port), url.hostname)
    let writeError: unknown = null
    socket.on('error', (err) => { writeError = err })
    let received = ''
    const receivedText = async (what: string): Promise<void> => { await waitFor(() => received.includes(what) || writeError != null) }
    socket.on('data', (chunk: Buffer) => { received += chunk.toString() })
    socket.write([`POST /upload_file/ HTTP/1.1`, `host: ${url.host}`, 'accept: application/json', `content-length: ${bodyBytes}`,
      'content-type: multipart/form-data; boundary=X', '', ''].join('\r\n'))
    socket.write(Buffer.alloc(64 * 1024))
    await receivedText('PCLIENT_TOO_LARGE')
    expect(received).toMatch(/^HTTP\/1\.1 413/)
    // The rest of the body still goes through (the client reads the answer, not a broken pipe), and the
    // same connection then serves the next request.
    socket.write(Buffer.alloc(bodyBytes - 64 * 1024))
    socket.write(`GET /health HTTP/1.1\r\nhost: ${url.host}\r\n\r\n`)
    await receivedText('{"status":"ok"}')
    expect(writeError).toBeNull()
    expect(received).toContain('{"status":"ok"}')
    socket.destroy()
  })

  describe('a request cut off', () => {
    /** Sends the head and the first `sendBytes` bytes of the body over a real socket, then `cut()` drops the connection. */
    const startRequest = async (target: FastifyInstance, payload: Buffer, headers: Record<string, string>, sendBytes: number): Promise<{ cut: () => void }> => {
      const url = new URL(await target.listen({ host: '127.0.0.1', port: 0 }))
      const socket = connect(Number(url.port), url.hostname)
      socket.on('error', () => {})
      const head = [`POST /upload_file/ HTTP/1.1`, `host: ${url.host}`, 'accept: application/json', `content-length: ${payload.length}`,
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`), '', ''].join('\r\n')
      socket.write(head)
      socket.write(payload.subarray(0, sendBytes))
      return { cut: () => { socket.destroy() } }
    }

    it('in the middle of the file never sends the end message', async () => {
      peer = await startFakePeer('peer-a')
      app = await buildTestApp({ central: placeOn(peer) })
      const content = randomBytes(1_000_000)
      const { payload, headers } = multipartBody([{ field: 'file', filename: 'cut.bin', content }])
      const request = await startRequest(app, payload, headers, 400_000)
      await waitFor(() => (peer?.uploads[0]?.bytes ?? 0) > 0)
      request.cut()
      await waitFor(() => peer?.uploads[0]?.refused === true || peer?.uploads[0]?.cancelled === true)
      expect(peer.uploads[0]?.end).toBeNull()
      expect(peer.uploads[0]?.done).toBe(false)
    })

    it('after the whole file part but before the closing boundary never sends the end message', async () => {
      peer = await startFakePeer('peer-a')
      app = await buildTestApp({ central: placeOn(peer) })
      const content = randomBytes(300_000)
      const { payload, headers } = multipartBody([{ field: 'file', filename: 'cut.bin', content }])
      // Everything but the final "--\r\n": the file part has ended, the form has not.
      const request = await startRequest(app, payload, headers, payload.length - 4)
      await waitFor(() => peer?.uploads[0]?.bytes === content.length)
      request.cut()
      await waitFor(() => peer?.uploads[0]?.refused === true || peer?.uploads[0]?.cancelled === true)
      expect(peer.uploads[0]?.end).toBeNull()
      expect(peer.uploads[0]?.done).toBe(false)
    })
  })

  it('frees each chunk of a real request\'s body once it was encoded into its message, and sends every byte', async () => {
    peer = await startFakePeer('peer-a')
    // The bytes of every Upload message the app writes, seen as it writes them (nothing else changes).
    const written: Uint8Array[] = []
    const connectPeer: ConnectPeer = (address, options) => {
      const client = createPeerFilesClient(address, options)
      const upload = client.Upload.bind(client) as (callback: unknown) => ClientWritableStream<UploadRequest>
      client.Upload = ((callback: unknown) => {
        const call = upload(callback)
        const write = call.write.bind(call) as (message: UploadRequest) => boolean
        call.write = ((message: UploadRequest) => {
          if (message.chunk instanceof Uint8Array) written.push(message.chunk)
          return write(message)
        }) as typeof call.write
        return call
      }) as typeof client.Upload
      return client
    }
    app = await buildTestApp({ central: placeOn(peer), connectPeer })
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    const content = randomBytes(8 * 1024 * 1024)
    const { payload, headers } = multipartBody([{ field: 'file', filename: 'freed.bin', content }])
    const response = await fetch(`${url}/upload_file/`, { method: 'POST', body: payload, headers: { ...headers, ...JSON_ACCEPT } })
    expect(response.status).toBe(201)
    expect(peer.uploads[0]?.sha256).toBe(sha256Hex(content))
    // Node's HTTP parser gives each body chunk a buffer of its own: most of them span it and are freed.
    const freed = written.filter((chunk) => chunk.buffer.byteLength === 0)
    expect(written.length).toBeGreaterThan(16)
    expect(freed.length).toBeGreaterThan(written.length / 2)
  })

  it('redirects a browser to the page with a message, the delete token in the fragment (never sent to a server)', async () => {
    peer = await startFakePeer('peer-a')
    app = await buildTestApp({ central: placeOn(peer) })
    const { payload, headers } = multipartBody([{ field: 'file', filename: 'a.txt', content: 'hello' }])
    const response = await app.inject({ method: 'POST', url: '/upload_file/', payload, headers: { ...headers, accept: BROWSER_ACCEPT } })
    expect(response.statusCode).toBe(303)
    const deleteToken = fileDeleteToken(TEST_CLUSTER_SECRET, 'a.txt', sha256Hex(Buffer.from('hello')))
    expect(response.headers.location).toBe(`/?uploaded=a.txt&peer=peer-a#delete-token=${deleteToken}`)
  })

  it('shows a browser the page with the error and the same status', async () => {
    app = await buildTestApp({ central: { place: async () => { throw new CentralRequestError(507, 'CENTRAL_NO_ROOM', 'no live peer has room for 300 bytes') } } })
    const { payload, headers } = multipartBody([{ field: 'file', filename: 'a.txt', content: 'hello' }])
    const response = await app.inject({ method: 'POST', url: '/upload_file/', payload, headers: { ...headers, accept: BROWSER_ACCEPT } })
    expect(response.statusCode).toBe(507)
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    expect(response.body).toContain('role="alert">no live peer has room for 300 bytes<')
  })
})
