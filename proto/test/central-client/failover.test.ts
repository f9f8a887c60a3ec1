// The central client with several addresses, against real HTTP servers on loopback: it moves on from a
// central that refuses connections, answers 502/503/504 or stays silent, remembers the one that
// answered, keeps a placement from being sent twice, and says which addresses it tried.
import { afterEach, describe, expect, it } from 'vitest'
import { CentralRequestError, CentralUnreachableError, createCentralClient, verifyRequestSignature } from '../../src/index.js'
import { closedAddress, startScriptedCentral, unavailable } from './scripted-central.js'
import type { Script, ScriptedCentral } from './scripted-central.js'

const TIMEOUT_MS = 300
const SHA = 'ab'.repeat(32)
const HEALTH = { status: 'ok', peers: 1, files: 2, replicationFactor: 2, underReplicated: 0, lost: 0 }
const LEASE = { peerId: 'peer-1', heartbeatIntervalMs: 5000, expiresAfterMs: 15000, replicate: [] }
const PLACEMENT = { name: 'a.txt', size: 10, peerId: 'peer-1', grpcAddress: '127.0.0.1:50051', ticket: 't' }

/** A working central: the answers these tests need, by route. */
const healthy: Script = (request) => {
  if (request.url === '/health') return { status: 200, body: HEALTH }
  if (request.url === '/placements') return { status: 201, body: PLACEMENT }
  if (request.url === '/files/missing.txt') return { status: 404, body: { statusCode: 404, error: 'CENTRAL_FILE_NOT_FOUND', message: 'no such file' } }
  if (request.url === '/peers/peer-1/copies') return { status: 200, body: { name: 'a.txt', peerId: 'peer-1', status: 'ordered' } }
  if (request.method === 'POST' && request.url === '/peers/peer-1/files') return { status: 204 }
  if (request.method === 'DELETE') return { status: 204 }
  return { status: 200, body: LEASE }
}

describe('a central client with several addresses', () => {
  const started: ScriptedCentral[] = []
  const start = async (script: Script): Promise<ScriptedCentral> => {
    const central = await startScriptedCentral(script)
    started.push(central)
    return central
  }
  afterEach(async () => { await Promise.all(started.splice(0).map(async (central) => { await central.close() })) })

  it('with one address, fails as before: CentralUnreachableError naming it and the system reason', async () => {
    const closed = await closedAddress()
    const error = await createCentralClient({ baseUrl: closed }).health().catch((err: unknown) => err)
    expect(error).toBeInstanceOf(CentralUnreachableError)
    expect(error).toMatchObject({ code: 'CENTRAL_UNREACHABLE', baseUrl: closed, timeoutMs: null, message: `the central directory at ${closed} is unreachable (ECONNREFUSED)` })
  })

  it('moves on from a refused connection, a 503 and a proxy 502/504, and then keeps to the one that answered', async () => {
    const storeDown = await start(() => unavailable())
    const proxyDown = await start(() => ({ status: 502, body: { statusCode: 502, error: 'PROXY_UPSTREAM_UNREACHABLE', message: 'down' } }))
    const bare504 = await start(() => ({ status: 504 }))
    const good = await start(healthy)
    const client = createCentralClient({ baseUrls: [await closedAddress(), storeDown.url, proxyDown.url, bare504.url, good.url], timeoutMs: TIMEOUT_MS })
    expect(await client.health()).toMatchObject({ files: 2 })
    expect([storeDown, proxyDown, bare504, good].map((central) => central.requests.length)).toEqual([1, 1, 1, 1])
    // Sticky: the next calls go to the one that answered, first.
    await client.health()
    await client.heartbeat('peer-1', { freeBytes: 10 })
    expect([storeDown, proxyDown, bare504, good].map((central) => central.requests.length)).toEqual([1, 1, 1, 3])
  })

  it('moves on from a central that accepts the connection and never answers, within the per-try timeout', async () => {
    const silent = await start(() => 'silent')
    const good = await start(healthy)
    const client = createCentralClient({ baseUrls: [silent.url, good.url], timeoutMs: TIMEOUT_MS })
    const started = performance.now()
    expect(await client.health()).toMatchObject({ status: 'ok' })
    const elapsed = performance.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20)
    // Loose: a shared machine; the point is one timeout, not several.
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1500)
  })

  it('retries every idempotent call elsewhere: register, heartbeat, announce, leave, a copy request, locate and the lists', async () => {
    const storeDown = await start(() => unavailable())
    const good = await start((request) => request.url.startsWith('/files?') || request.url.startsWith('/peers?')
      ? { status: 200, body: request.url.startsWith('/files') ? { files: [], next: null } : { peers: [], next: null } }
      : healthy(request))
    // The down central first for each call: a fresh client per call, so stickiness does not skip it.
    const fresh = (): ReturnType<typeof createCentralClient> => createCentralClient({ baseUrls: [storeDown.url, good.url], timeoutMs: TIMEOUT_MS })
    await fresh().register({ peerId: 'peer-1', grpcAddress: '127.0.0.1:50051', capacityBytes: 100, freeBytes: 100, files: [] })
    await fresh().heartbeat('peer-1', { freeBytes: 10 })
    await fresh().announceFile('peer-1', { name: 'a.txt', size: 10, sha256: SHA, freeBytes: 90 })
    await fresh().leave('peer-1')
    await fresh().requestCopy('peer-1', 'a.txt')
    await expect(fresh().locate('missing.txt')).rejects.toMatchObject({ code: 'CENTRAL_FILE_NOT_FOUND' })
    await fresh().listFiles()
    await fresh().listPeers()
    const asked = (central: ScriptedCentral): string[] => central.requests.map((request) => `${request.method} ${request.url}`)
    expect(asked(good)).toEqual(asked(storeDown))
    expect(asked(good)).toEqual([
      'POST /peers', 'PUT /peers/peer-1/heartbeat', 'POST /peers/peer-1/files', 'DELETE /peers/peer-1', 'POST /peers/peer-1/copies',
      'GET /files/missing.txt', 'GET /files?limit=1000', 'GET /peers?limit=1000'
    ])
  })

  it('does not move on from an answer about the request itself (a 404), and keeps to the central that gave it', async () => {
    const first = await start(healthy)
    const second = await start(healthy)
    const client = createCentralClient({ baseUrls: [first.url, second.url], timeoutMs: TIMEOUT_MS })
    await expect(client.locate('missing.txt')).rejects.toMatchObject({ statusCode: 404, code: 'CENTRAL_FILE_NOT_FOUND', message: 'no such file' })
    expect(second.requests).toEqual([])
  })

  it('sends a placement elsewhere only when the connection was refused, never after a timeout or a 503', async () => {
    const good = await start(healthy)
    const refused = createCentralClient({ baseUrls: [await closedAddress(), good.url], timeoutMs: TIMEOUT_MS })
    expect(await refused.place({ name: 'a.txt', size: 10 })).toMatchObject({ peerId: 'peer-1' })
    expect(good.requests.map((request) => request.url)).toEqual(['/placements'])

    const silent = await start(() => 'silent')
    const afterSilence = createCentralClient({ baseUrls: [silent.url, good.url], timeoutMs: TIMEOUT_MS })
    await expect(afterSilence.place({ name: 'a.txt', size: 10 })).rejects.toMatchObject({ code: 'CENTRAL_UNREACHABLE', baseUrl: silent.url, timeoutMs: TIMEOUT_MS })
    const storeDown = await start(() => unavailable())
    const after503 = createCentralClient({ baseUrls: [storeDown.url, good.url], timeoutMs: TIMEOUT_MS })
    await expect(after503.place({ name: 'a.txt', size: 10 })).rejects.toMatchObject({ statusCode: 503, code: 'CENTRAL_STORE_UNAVAILABLE' })
    // Neither reached the working central a second time: the placement may have been made.
    expect(good.requests).toHaveLength(1)
  })

  it('when every address fails, throws the last one\'s error naming every address tried, within timeout x addresses', async () => {
    const closed = await closedAddress()
    const storeDown = await start(() => unavailable())
    const silent = await start(() => 'silent')
    const client = createCentralClient({ baseUrls: [closed, storeDown.url, silent.url], timeoutMs: TIMEOUT_MS })
    const started = performance.now()
    const error = await client.health().catch((err: unknown) => err)
    expect(performance.now() - started).toBeLessThan(3 * TIMEOUT_MS + 1500)
    expect(error).toBeInstanceOf(CentralUnreachableError)
    expect(error).toMatchObject({ code: 'CENTRAL_UNREACHABLE', baseUrl: silent.url, timeoutMs: TIMEOUT_MS })
    expect((error as Error).message).toBe(`the central directory is unreachable at every address tried: ${closed} (ECONNREFUSED), ` +
      `${storeDown.url} (503 CENTRAL_STORE_UNAVAILABLE), ${silent.url} (did not answer within ${TIMEOUT_MS} ms)`)

    // The last one answering 503: its CentralRequestError, code and status kept.
    const lastDown = createCentralClient({ baseUrls: [closed, storeDown.url], timeoutMs: TIMEOUT_MS })
    const answered = await lastDown.health().catch((err: unknown) => err)
    expect(answered).toBeInstanceOf(CentralRequestError)
    expect(answered).toMatchObject({ statusCode: 503, code: 'CENTRAL_STORE_UNAVAILABLE' })
    expect((answered as Error).message).toContain(`answered by ${storeDown.url}, after ${closed} (ECONNREFUSED)`)
  })

  it('signs each try, so every central it reaches can check the signature; needs at least one address', async () => {
    const key = new Uint8Array(32).fill(7)
    const storeDown = await start(() => unavailable())
    const good = await start(healthy)
    const client = createCentralClient({ baseUrls: [storeDown.url, good.url], timeoutMs: TIMEOUT_MS, signer: { id: 'peer-1', key } })
    await client.heartbeat('peer-1', { freeBytes: 1 })
    for (const request of [...storeDown.requests, ...good.requests]) {
      expect(verifyRequestSignature(key, request.headers, { method: request.method, path: request.url, body: request.body })).toEqual({ ok: true, signer: 'peer-1' })
    }
    expect(() => createCentralClient({ baseUrls: [] })).toThrow(/at least one address/)
  })
})
