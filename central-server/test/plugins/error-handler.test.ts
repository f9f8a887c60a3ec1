// Every failure answers {statusCode, error: CENTRAL_ code, message}, and a refused request changes nothing.
import { afterEach, describe, expect, it } from 'vitest'
import { StoreUnavailableError } from '../../src/errors.js'
import { BODY_LIMIT_BYTES, REGISTRATION_BODY_LIMIT_BYTES } from '../../src/http/request-limits.js'
import { toErrorBody } from '../../src/plugins/error-handler.js'
import type { DirectoryStore } from '../../src/store/directory-store.js'
import { createMemoryDirectoryStore } from '../../src/store/memory/index.js'
import { buildTestCentral, getJson, peerBody, register, send } from '../helpers/central-app.js'
import type { TestCentral } from '../helpers/central-app.js'

let central: TestCentral
afterEach(async () => { await central.app.close() })

describe('error responses', () => {
  it('answers an unknown route with 404 CENTRAL_ROUTE_NOT_FOUND', async () => {
    central = buildTestCentral()
    const response = await central.app.inject({ method: 'GET', url: '/no/such/route' })
    expect(response.statusCode).toBe(404)
    expect(response.json()).toEqual({ statusCode: 404, error: 'CENTRAL_ROUTE_NOT_FOUND', message: 'no route GET /no/such/route' })
  })

  it('answers a malformed URL with 400 CENTRAL_VALIDATION', async () => {
    central = buildTestCentral()
    const response = await central.app.inject({ method: 'GET', url: '/files/%E0%A4%A' })
    expect(response.json()).toMatchObject({ statusCode: 400, error: 'CENTRAL_VALIDATION' })
  })

  it('refuses a body that is not JSON, or too large, and changes nothing', async () => {
    central = buildTestCentral()
    const { app } = central
    for (const contentType of ['application/x-www-form-urlencoded', 'text/plain']) {
      const other = await send(app, { method: 'POST', url: '/peers', headers: { 'content-type': contentType }, payload: 'peerId=p1', signer: 'p1' })
      expect(other.json(), contentType).toMatchObject({ statusCode: 415, error: 'CENTRAL_UNSUPPORTED_MEDIA_TYPE' })
    }

    const huge = { ...peerBody('p1'), padding: 'x'.repeat(REGISTRATION_BODY_LIMIT_BYTES) }
    const tooLarge = await send(app, { method: 'POST', url: '/peers', payload: huge, signer: 'p1' })
    expect(tooLarge.json()).toMatchObject({ statusCode: 413, error: 'CENTRAL_BODY_TOO_LARGE' })

    // Everything but a registration is small.
    await register(app, peerBody('p2'))
    const bigHeartbeat = await send(app, { method: 'PUT', url: '/peers/p2/heartbeat', payload: { freeBytes: 1, padding: 'x'.repeat(BODY_LIMIT_BYTES) }, signer: 'p2' })
    expect(bigHeartbeat.json()).toMatchObject({ statusCode: 413, error: 'CENTRAL_BODY_TOO_LARGE' })

    expect(await getJson(app, '/peers')).toMatchObject({ peers: [{ peerId: 'p2', freeBytes: 1000 }] })
  })

  it('accepts a registration with many files under the body limit', async () => {
    central = buildTestCentral()
    const files = Array.from({ length: 20_000 }, (_, i) => ({ name: `file-${i}.bin`, size: i, sha256: 'f'.repeat(64) }))
    expect((await register(central.app, peerBody('p1', { files }))).statusCode).toBe(200)
    expect(await getJson(central.app, '/health')).toMatchObject({ status: 'ok', peers: 1, files: 20_000 })
  })

  it('hides internal failures behind 500 CENTRAL_INTERNAL', async () => {
    const store: DirectoryStore = {
      ...createMemoryDirectoryStore(),
      pagePeers: async () => { throw new Error('connection to the store lost: secret-host:6379') }
    }
    central = buildTestCentral({ store })
    const response = await central.app.inject({ method: 'GET', url: '/peers' })
    expect(response.statusCode).toBe(500)
    expect(response.json()).toEqual({ statusCode: 500, error: 'CENTRAL_INTERNAL', message: 'internal error in the central directory' })
  })
})

describe('toErrorBody', () => {
  it('keeps the status and code of the central\'s own errors, including 5xx ones', () => {
    expect(toErrorBody(Object.assign(new Error('full'), { code: 'CENTRAL_NO_ROOM', statusCode: 507 })))
      .toEqual({ statusCode: 507, error: 'CENTRAL_NO_ROOM', message: 'full' })
  })

  it('answers a store that cannot be reached with 503 CENTRAL_STORE_UNAVAILABLE, never its cause', () => {
    const body = toErrorBody(new StoreUnavailableError({ cause: new Error('connect ECONNREFUSED secret-host:6379') }))
    expect(body).toEqual({ statusCode: 503, error: 'CENTRAL_STORE_UNAVAILABLE', message: expect.any(String) })
    expect(body.message).not.toContain('secret-host')
  })

  it('gives other client errors CENTRAL_BAD_REQUEST with their status, and anything else CENTRAL_INTERNAL', () => {
    expect(toErrorBody(Object.assign(new Error('bad header'), { code: 'FST_ERR_SOMETHING', statusCode: 431 })))
      .toEqual({ statusCode: 431, error: 'CENTRAL_BAD_REQUEST', message: 'bad header' })
    expect(toErrorBody('a thrown string')).toMatchObject({ statusCode: 500, error: 'CENTRAL_INTERNAL' })
  })
})
