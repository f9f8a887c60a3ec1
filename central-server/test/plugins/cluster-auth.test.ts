// Cluster membership: every signed route refuses unsigned, wrong-secret, stale and tampered requests with
// 401 and changes nothing; a peer speaks only for itself (403); member routes take any member; public
// routes need no signature.
import { deriveClusterKeys, MAX_CLOCK_SKEW_MS, SIGNER_HEADER, TIMESTAMP_HEADER } from '@p2p/proto'
import { afterEach, describe, expect, it } from 'vitest'
import { REGISTRATION_BODY_LIMIT_BYTES } from '../../src/http/request-limits.js'
import { buildTestCentral, CLIENT_SIGNER, peerBody, register, send, sha, stateOf, TEST_KEYS } from '../helpers/central-app.js'
import type { DirectorySnapshot, SignedRequest, TestCentral } from '../helpers/central-app.js'

let central: TestCentral
afterEach(async () => { await central.app.close() })

const OTHER_CLUSTER = deriveClusterKeys('another-cluster-secret-0123456789abcdef0123456789')

/** Two peers with a file each; the clock then moves on, so a heartbeat that got through would show. */
async function start (): Promise<TestCentral> {
  central = buildTestCentral()
  await register(central.app, peerBody('p1', { files: [{ name: 'a.txt', size: 1, sha256: sha('a') }] }))
  await register(central.app, peerBody('p2', { files: [{ name: 'b.txt', size: 2, sha256: sha('b') }] }))
  central.clock.advance(10)
  return central
}

async function state (): Promise<DirectorySnapshot & { reservations: number }> {
  return await stateOf(central)
}

/** One valid request to each signed route, and what it answers when it gets through. */
const SIGNED_ROUTES: Array<{ request: SignedRequest, ok: number }> = [
  { request: { method: 'POST', url: '/peers', payload: peerBody('p1', { freeBytes: 1 }), signer: 'p1' }, ok: 200 },
  { request: { method: 'PUT', url: '/peers/p1/heartbeat', payload: { freeBytes: 5, activeTransfers: 3 }, signer: 'p1' }, ok: 200 },
  { request: { method: 'POST', url: '/peers/p1/files', payload: { name: 'new.txt', size: 3, sha256: sha('c'), freeBytes: 9 }, signer: 'p1' }, ok: 204 },
  { request: { method: 'DELETE', url: '/peers/p1', signer: 'p1' }, ok: 204 },
  { request: { method: 'POST', url: '/placements', payload: { name: 'up.bin', size: 10 }, signer: CLIENT_SIGNER }, ok: 201 },
  { request: { method: 'GET', url: '/files/a.txt', signer: CLIENT_SIGNER }, ok: 200 }
]

/** Ways to get a signature wrong, each applied to a valid request. */
const BAD_SIGNATURES: Array<{ what: string, change: (request: SignedRequest, now: number) => SignedRequest }> = [
  { what: 'unsigned', change: (request) => ({ ...request, signer: null }) },
  { what: 'signed with another secret', change: (request) => ({ ...request, key: OTHER_CLUSTER.peerRequests }) },
  { what: 'signed with the ticket key', change: (request) => ({ ...request, key: TEST_KEYS.transferTickets }) },
  { what: 'stale', change: (request, now) => ({ ...request, signedAt: now - MAX_CLOCK_SKEW_MS - 1 }) },
  { what: 'from the future', change: (request, now) => ({ ...request, signedAt: now + MAX_CLOCK_SKEW_MS + 1 }) },
  { what: 'body changed after signing', change: (request) => ({ ...request, signedBody: JSON.stringify({ other: true }) }) },
  { what: 'path changed after signing', change: (request) => ({ ...request, signedPath: `${request.url}x` }) },
  { what: 'query added after signing', change: (request) => ({ ...request, url: `${request.url}?x=1`, signedPath: request.url }) },
  { what: 'signer changed after signing', change: (request) => ({ ...request, headers: { [SIGNER_HEADER]: request.signer === 'p1' ? 'p2' : 'pclient:other' } }) },
  { what: 'timestamp changed after signing', change: (request, now) => ({ ...request, headers: { [TIMESTAMP_HEADER]: String(now + 1) } }) },
  { what: 'timestamp not a number', change: (request) => ({ ...request, headers: { [TIMESTAMP_HEADER]: 'yesterday' } }) },
  { what: 'method changed after signing', change: (request) => ({ ...request, signedMethod: request.method === 'GET' ? 'DELETE' : 'GET' }) }
]

describe('signed routes', () => {
  for (const { request, ok } of SIGNED_ROUTES) {
    it(`${request.method} ${request.url}: refuses a bad signature with 401 CENTRAL_UNAUTHENTICATED and changes nothing`, async () => {
      const { app, clock } = await start()
      const before = await state()
      for (const bad of BAD_SIGNATURES) {
        const response = await send(app, bad.change(request, clock.now()))
        expect(response.statusCode, bad.what).toBe(401)
        expect(response.json(), bad.what).toEqual({ statusCode: 401, error: 'CENTRAL_UNAUTHENTICATED', message: expect.any(String) })
        expect(response.body, bad.what).not.toContain('ticket')
        expect(await state(), bad.what).toEqual(before)
      }

      // The same request signed properly goes through: the refusals were about the signature alone.
      const response = await send(app, request)
      expect(response.statusCode, response.body).toBe(ok)
      if (request.method !== 'GET') expect(await state()).not.toEqual(before)
    })
  }

  it('refuses an unsigned request before buffering its body, and checks the signature before parsing it', async () => {
    const { app } = await start()
    const before = await state()
    const huge = JSON.stringify({ ...peerBody('p3'), padding: 'x'.repeat(REGISTRATION_BODY_LIMIT_BYTES) })
    const unsigned = await send(app, { method: 'POST', url: '/peers', payload: huge, signer: null })
    expect(unsigned.json()).toMatchObject({ statusCode: 401, error: 'CENTRAL_UNAUTHENTICATED' })

    const malformed = await send(app, { method: 'POST', url: '/peers', payload: '{"peerId":', signer: 'p3', key: OTHER_CLUSTER.peerRequests })
    expect(malformed.json()).toMatchObject({ statusCode: 401, error: 'CENTRAL_UNAUTHENTICATED' })

    const otherMediaType = await send(app, { method: 'POST', url: '/peers', headers: { 'content-type': 'text/plain' }, payload: 'p3', signer: null })
    expect(otherMediaType.json()).toMatchObject({ statusCode: 401, error: 'CENTRAL_UNAUTHENTICATED' })
    expect(await state()).toEqual(before)
  })

  it('verifies the exact bytes: the same JSON spelled differently is a different body', async () => {
    const { app } = await start()
    const before = await state()
    const payload = { freeBytes: 5, activeTransfers: 3 }
    const spaced = JSON.stringify(payload, null, 2)
    const response = await send(app, { method: 'PUT', url: '/peers/p1/heartbeat', payload: spaced, signedBody: JSON.stringify(payload), signer: 'p1' })
    expect(response.json()).toMatchObject({ statusCode: 401, error: 'CENTRAL_UNAUTHENTICATED' })
    expect(await state()).toEqual(before)
    expect((await send(app, { method: 'PUT', url: '/peers/p1/heartbeat', payload: spaced, signer: 'p1' })).statusCode).toBe(200)
  })
})

describe('a peer speaks only for itself', () => {
  it('refuses a member registering, heartbeating, announcing or leaving for another peer with 403 CENTRAL_FORBIDDEN', async () => {
    const { app } = await start()
    const before = await state()
    const attempts: SignedRequest[] = [
      { method: 'POST', url: '/peers', payload: peerBody('p2', { files: [] }), signer: 'p1' },
      { method: 'POST', url: '/peers', payload: peerBody('p3'), signer: 'p1' },
      { method: 'PUT', url: '/peers/p2/heartbeat', payload: { freeBytes: 1 }, signer: 'p1' },
      { method: 'POST', url: '/peers/p2/files', payload: { name: 'fake.txt', size: 1, sha256: sha('f'), freeBytes: 1 }, signer: 'p1' },
      { method: 'DELETE', url: '/peers/p2', signer: 'p1' },
      // A pclient is a member, but not a peer.
      { method: 'DELETE', url: '/peers/p1', signer: CLIENT_SIGNER },
      { method: 'PUT', url: '/peers/p1/heartbeat', payload: { freeBytes: 1 }, signer: CLIENT_SIGNER }
    ]
    for (const attempt of attempts) {
      const what = `${attempt.signer ?? ''} -> ${attempt.method} ${attempt.url}`
      const response = await send(app, attempt)
      expect(response.statusCode, what).toBe(403)
      expect(response.json(), what).toEqual({ statusCode: 403, error: 'CENTRAL_FORBIDDEN', message: expect.any(String) })
      expect(await state(), what).toEqual(before)
    }
  })

  it('checks the body before who may speak, so a wrong-typed peer id is a 400', async () => {
    const { app } = await start()
    const response = await send(app, { method: 'POST', url: '/peers', payload: { ...peerBody('p1'), peerId: 42 }, signer: 'p1' })
    expect(response.json()).toMatchObject({ statusCode: 400, error: 'CENTRAL_VALIDATION' })
  })
})

describe('member and public routes', () => {
  it('lets any member place and locate, peers and pclients alike', async () => {
    const { app } = await start()
    for (const signer of ['pclient:web-1', 'p2']) {
      expect((await send(app, { method: 'GET', url: '/files/a.txt', signer })).statusCode, signer).toBe(200)
      expect((await send(app, { method: 'POST', url: '/placements', payload: { name: `${signer}.bin`, size: 1 }, signer })).statusCode, signer).toBe(201)
    }
  })

  it('answers the public routes without a signature', async () => {
    const { app } = await start()
    for (const url of ['/files', '/peers', '/health', '/docs/json']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200)
    }
  })
})
