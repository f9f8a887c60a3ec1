// Rate limits: public routes per client IP (X-Forwarded-For believed only from a trusted proxy), signed
// routes per verified member, failed authentications per IP; each refusal is 429 CENTRAL_RATE_LIMITED.
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestCentral, CLIENT_SIGNER, heartbeat, peerBody, register, send, snapshot, TEST_KEYS } from '../helpers/central-app.js'
import type { TestCentral } from '../helpers/central-app.js'

const LIMIT = 3

let central: TestCentral
afterEach(async () => { await central.app.close() })

function start (trustedProxies?: string[]): TestCentral {
  central = buildTestCentral({ config: { rateLimitPerMinute: LIMIT, ...(trustedProxies == null ? {} : { trustedProxies }) } })
  return central
}

async function get (url: string, from: { remoteAddress?: string, forwardedFor?: string } = {}): Promise<number> {
  const response = await central.app.inject({
    method: 'GET',
    url,
    ...(from.remoteAddress == null ? {} : { remoteAddress: from.remoteAddress }),
    headers: from.forwardedFor == null ? {} : { 'x-forwarded-for': from.forwardedFor }
  })
  if (response.statusCode === 429) {
    expect(response.json()).toEqual({ statusCode: 429, error: 'CENTRAL_RATE_LIMITED', message: expect.any(String) })
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0)
  }
  return response.statusCode
}

async function statuses (count: number, probe: () => Promise<number>): Promise<number[]> {
  const answers: number[] = []
  for (let i = 0; i < count; i++) answers.push(await probe())
  return answers
}

describe('public routes', () => {
  it('answers 429 CENTRAL_RATE_LIMITED once a client IP is over its budget; other clients are not affected', async () => {
    start()
    expect(await statuses(LIMIT + 1, async () => await get('/peers'))).toEqual([200, 200, 200, 429])
    // One budget for every public route, unknown ones included.
    expect(await get('/health')).toBe(429)
    expect(await get('/no/such/route')).toBe(429)
    expect(await get('/files', { remoteAddress: '192.0.2.10' })).toBe(200)
  })

  it('counts a read a member signed against that member, not its address', async () => {
    const { app } = start()
    expect(await statuses(LIMIT + 1, async () => await get('/peers'))).toEqual([200, 200, 200, 429])
    const signedRead = (key?: Uint8Array) => async (): Promise<number> => (await send(app, { method: 'GET', url: '/peers', signer: CLIENT_SIGNER, ...(key == null ? {} : { key }) })).statusCode
    expect(await statuses(LIMIT + 1, signedRead())).toEqual([200, 200, 200, 429])
    // A signature that does not verify is just an anonymous read from that address.
    expect(await signedRead(TEST_KEYS.transferTickets)()).toBe(429)
    expect((await send(app, { method: 'GET', url: '/peers', signer: 'pclient:other' })).statusCode).toBe(200)
  })

  it('counts requests for unknown routes too', async () => {
    start()
    expect(await statuses(LIMIT + 1, async () => await get('/no/such/route'))).toEqual([404, 404, 404, 429])
  })
})

describe('the client IP', () => {
  it('comes from X-Forwarded-For when the connection is from a trusted proxy', async () => {
    start()
    const viaProxy = (client: string) => async () => await get('/peers', { remoteAddress: '127.0.0.1', forwardedFor: client })
    expect(await statuses(LIMIT + 1, viaProxy('203.0.113.1'))).toEqual([200, 200, 200, 429])
    expect(await viaProxy('203.0.113.2')()).toBe(200)
    expect(await get('/peers', { remoteAddress: '::1', forwardedFor: '203.0.113.3' })).toBe(200)
  })

  it('ignores X-Forwarded-For from anyone else, so a client cannot choose its own budget', async () => {
    start()
    let n = 0
    const spoofing = async (): Promise<number> => await get('/peers', { remoteAddress: '198.51.100.7', forwardedFor: `203.0.113.${++n}` })
    expect(await statuses(LIMIT + 1, spoofing)).toEqual([200, 200, 200, 429])
  })

  it('trusts no proxy at all when told so', async () => {
    start([])
    let n = 0
    const spoofing = async (): Promise<number> => await get('/peers', { remoteAddress: '127.0.0.1', forwardedFor: `203.0.113.${++n}` })
    expect(await statuses(LIMIT + 1, spoofing)).toEqual([200, 200, 200, 429])
  })
})

describe('signed routes', () => {
  it('give each member its own budget, so many peers behind one address are never throttled', async () => {
    const { app } = start()
    const peers = Array.from({ length: 10 }, (_, i) => `peer-${i}`)
    for (const peerId of peers) {
      expect((await register(app, peerBody(peerId))).statusCode).toBe(200)
      for (let beat = 0; beat < LIMIT; beat++) expect((await heartbeat(app, peerId, { freeBytes: 1000 })).statusCode).toBe(200)
    }
    // One member over its budget is refused; the others are not.
    const over = await heartbeat(app, 'peer-0', { freeBytes: 1 })
    expect(over.statusCode).toBe(429)
    expect(over.json()).toMatchObject({ error: 'CENTRAL_RATE_LIMITED' })
    expect((await snapshot(app)).peers.find((peer) => peer.peerId === 'peer-0')).toMatchObject({ freeBytes: 1000 })
    expect((await register(app, peerBody('peer-0'))).statusCode).toBe(200)
  })

  it('refuse an address that keeps failing authentication, before buffering its body, and only that address', async () => {
    const { app } = start()
    await register(app, peerBody('p1'))
    const unsigned = async (): Promise<number> =>
      (await send(app, { method: 'PUT', url: '/peers/p1/heartbeat', payload: { freeBytes: 1 }, signer: null, remoteAddress: '192.0.2.66' })).statusCode
    expect(await statuses(LIMIT + 1, unsigned)).toEqual([401, 401, 401, 429])

    // Even a good signature from that address waits out the window; from elsewhere it goes through.
    const fromAttacker = await send(app, { method: 'PUT', url: '/peers/p1/heartbeat', payload: { freeBytes: 2 }, signer: 'p1', remoteAddress: '192.0.2.66' })
    expect(fromAttacker.json()).toMatchObject({ statusCode: 429, error: 'CENTRAL_RATE_LIMITED' })
    expect((await snapshot(app)).peers).toMatchObject([{ peerId: 'p1', freeBytes: 1000 }])
    expect((await send(app, { method: 'PUT', url: '/peers/p1/heartbeat', payload: { freeBytes: 3 }, signer: 'p1', remoteAddress: '192.0.2.67' })).statusCode).toBe(200)
    // Public routes keep their own budget.
    expect(await get('/peers', { remoteAddress: '192.0.2.66' })).toBe(200)
  })
})
