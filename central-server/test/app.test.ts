// The app as a whole: the real central client drives it over HTTP when it signs (and is refused when it
// does not), header size limits hold on a real socket, and no secret, signature or ticket ever reaches a
// log line or an error body.
import type { AddressInfo } from 'node:net'
import { CentralRequestError, createCentralClient, deriveClusterKeys, signRequest, SIGNATURE_HEADER } from '@p2p/proto'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildCentralApp } from '../src/app.js'
import { MAX_HEADER_BYTES } from '../src/http/request-limits.js'
import { buildTestCentral, CLIENT_SIGNER, peerBody, sha, TEST_CLUSTER_SECRET, TEST_KEYS } from './helpers/central-app.js'

let app: FastifyInstance | null = null
afterEach(async () => {
  await app?.close()
  app = null
})

async function listen (): Promise<string> {
  app = buildCentralApp({ config: { heartbeatIntervalMs: 1000 }, clusterSecret: TEST_CLUSTER_SECRET })
  await app.listen({ host: '127.0.0.1', port: 0 })
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
}

async function refusedCode (promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (err) {
    if (err instanceof CentralRequestError) return err.code
    throw err
  }
  throw new Error('the central accepted the request')
}

describe('over HTTP with the shared client', () => {
  it('serves every route to a client that signs, and refuses one that does not or holds another secret', async () => {
    const baseUrl = await listen()
    const peer = createCentralClient({ baseUrl, signer: { id: 'peer-1', key: TEST_KEYS.peerRequests } })
    const pclient = createCentralClient({ baseUrl, signer: { id: CLIENT_SIGNER, key: TEST_KEYS.peerRequests } })
    const outsider = createCentralClient({ baseUrl })
    const impostor = createCentralClient({ baseUrl, signer: { id: 'peer-1', key: deriveClusterKeys('another-cluster-secret-0123456789abcdef0123').peerRequests } })

    expect(await refusedCode(outsider.register(peerBody('peer-1')))).toBe('CENTRAL_UNAUTHENTICATED')
    expect(await refusedCode(impostor.register(peerBody('peer-1')))).toBe('CENTRAL_UNAUTHENTICATED')
    expect(await outsider.listPeers()).toEqual([])

    await peer.register(peerBody('peer-1', { files: [{ name: 'résumé (final).pdf', size: 3, sha256: sha('e') }] }))
    await peer.heartbeat('peer-1', { freeBytes: 900 })
    await peer.announceFile('peer-1', { name: 'new #1?.txt', size: 4, sha256: sha('d'), freeBytes: 896 })
    expect((await pclient.locate('résumé (final).pdf')).ticket).toEqual(expect.any(String))
    expect((await pclient.locate('new #1?.txt')).holders).toMatchObject([{ peerId: 'peer-1' }])
    expect((await pclient.place({ name: 'up.bin', size: 10 })).ticket).toEqual(expect.any(String))
    expect(await refusedCode(outsider.locate('new #1?.txt'))).toBe('CENTRAL_UNAUTHENTICATED')
    expect(await refusedCode(outsider.place({ name: 'up2.bin', size: 1 }))).toBe('CENTRAL_UNAUTHENTICATED')
    expect(await refusedCode(pclient.leave('peer-1'))).toBe('CENTRAL_FORBIDDEN')
    expect((await outsider.listFiles()).map((file) => file.name)).toEqual(['new #1?.txt', 'résumé (final).pdf'])
    await peer.leave('peer-1')
    // Both files left with their only holder: the central still knows of them, as lost.
    expect(await outsider.health()).toEqual({ status: 'ok', peers: 0, files: 0, replicationFactor: 2, underReplicated: 0, lost: 2, store: 'memory', replica: expect.any(String) })
    expect((await outsider.replication()).lost.map((file) => file.name)).toEqual(['new #1?.txt', 'résumé (final).pdf'])
  })

  it('refuses headers over the limit with 431 on a real socket', async () => {
    const baseUrl = await listen()
    const response = await fetch(`${baseUrl}/health`, { headers: { 'x-padding': 'x'.repeat(MAX_HEADER_BYTES) } })
    expect(response.status).toBe(431)
    expect((await fetch(`${baseUrl}/health`)).status).toBe(200)
  })
})

describe('secrets', () => {
  it('refuses a short cluster secret without repeating it', () => {
    const short = 'only-twenty-chars-xx'
    let message = ''
    try {
      buildCentralApp({ config: { heartbeatIntervalMs: 1000 }, clusterSecret: short })
    } catch (err) {
      message = (err as Error).message
    }
    expect(message).toMatch(/clusterSecret: .*32 characters/)
    expect(message).not.toContain(short)
  })

  it('never writes the secret, a signature or a ticket to the log or an error body', async () => {
    const lines: string[] = []
    const central = buildTestCentral({ config: { rateLimitPerMinute: 20 }, logger: { level: 'trace', stream: { write: (line: string) => { lines.push(line) } } } })
    app = central.app
    // Some future code logging whole objects must still not leak them.
    central.app.get('/test/log-everything', async (request) => {
      request.log.info({ headers: request.headers, request: { headers: request.headers } }, 'headers')
      request.log.info({ config: { clusterSecret: TEST_CLUSTER_SECRET }, env: { CLUSTER_SECRET: TEST_CLUSTER_SECRET }, ticket: 'a-ticket' }, 'objects')
      return { ok: true }
    })

    const signatures: string[] = []
    const tickets: string[] = []
    const bodies: string[] = []
    const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload: unknown, signer: string | null, key = TEST_KEYS.peerRequests): Promise<void> => {
      const body = payload === undefined ? undefined : JSON.stringify(payload)
      const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' }
      if (signer != null) {
        const signed = signRequest(key, { signer, method, path: url, body: body ?? '' }, central.clock.now())
        signatures.push(signed[SIGNATURE_HEADER] ?? '')
        Object.assign(headers, signed)
      }
      const response = await central.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body }) })
      bodies.push(response.body)
      const ticket: unknown = response.statusCode < 300 && response.body !== '' ? response.json<{ ticket?: unknown }>().ticket : undefined
      if (typeof ticket === 'string') tickets.push(ticket)
    }

    const wrongKey = deriveClusterKeys('another-cluster-secret-0123456789abcdef0123').peerRequests
    await call('POST', '/peers', peerBody('p1', { files: [{ name: 'a.txt', size: 1, sha256: sha('a') }] }), 'p1')
    await call('PUT', '/peers/p1/heartbeat', { freeBytes: 999 }, 'p1')
    await call('GET', '/files/a.txt', undefined, CLIENT_SIGNER)
    await call('POST', '/placements', { name: 'b.bin', size: 1 }, CLIENT_SIGNER)
    await call('POST', '/peers', peerBody('p2'), null)
    await call('POST', '/peers', peerBody('p2'), 'p2', wrongKey)
    await call('PUT', '/peers/p1/heartbeat', { freeBytes: 1 }, 'p2')
    await call('POST', '/placements', { name: '../x', size: 1 }, CLIENT_SIGNER)
    await call('POST', '/placements', '{"name":', CLIENT_SIGNER)
    await call('GET', '/test/log-everything', undefined, CLIENT_SIGNER)
    for (let i = 0; i < 25; i++) await call('GET', '/health', undefined, null)

    expect(tickets).toHaveLength(2)
    expect(signatures.length).toBeGreaterThan(5)
    const log = lines.join('')
    expect(log).toContain('request refused')
    expect(log).toContain('CENTRAL_RATE_LIMITED')
    expect(log).toContain('[redacted]')
    const secrets = [
      TEST_CLUSTER_SECRET, ...signatures, ...tickets, 'a-ticket',
      ...[TEST_KEYS.peerRequests, TEST_KEYS.transferTickets].flatMap((key) => ['hex', 'base64', 'base64url'].map((encoding) => Buffer.from(key).toString(encoding as BufferEncoding)))
    ]
    for (const secret of secrets) {
      expect(log).not.toContain(secret)
      for (const body of bodies) {
        if (!tickets.includes(secret)) expect(body).not.toContain(secret)
      }
    }
  })
})
