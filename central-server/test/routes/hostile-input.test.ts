// Malformed and wrong-typed JSON and bad parameters to every central route, properly signed so only the
// input is at fault: each is 400 CENTRAL_VALIDATION, changes nothing, and the central keeps answering.
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestCentral, CLIENT_SIGNER, peerBody, register, send, sha, stateOf } from '../helpers/central-app.js'
import type { DirectorySnapshot, SignedRequest, TestCentral } from '../helpers/central-app.js'

let central: TestCentral
afterEach(async () => { await central.app.close() })

async function start (): Promise<TestCentral> {
  central = buildTestCentral()
  await register(central.app, peerBody('p1', { files: [{ name: 'a.txt', size: 1, sha256: sha('a') }] }))
  central.clock.advance(10)
  return central
}

async function state (): Promise<DirectorySnapshot & { reservations: number }> {
  return await stateOf(central)
}

/** Not JSON at all, or JSON that is not an object, or JSON that tries prototype pollution. */
const MALFORMED = [
  '{"peerId":', '', ' ', '{', '}', '[]', 'null', '"text"', '42', 'true', "{'single': 'quotes'}", '{"a":1,}', 'NaN',
  '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '[' .repeat(5000) + ']'.repeat(5000)
]

const BODY_ROUTES: Array<{ route: Omit<SignedRequest, 'payload'>, valid: Record<string, unknown>, wrongTyped: Array<Record<string, unknown>> }> = [
  {
    route: { method: 'POST', url: '/peers', signer: 'p1' },
    valid: { ...peerBody('p1') },
    wrongTyped: [
      { capacityBytes: 'lots' }, { freeBytes: -1 }, { freeBytes: 1.5 }, { activeTransfers: '2' }, { peerId: 42 }, { peerId: '../p1' },
      { grpcAddress: 'no-port' }, { grpcAddress: 7 }, { files: 'none' }, { files: [{ name: 1, size: 1, sha256: sha('a') }] },
      { files: [{ name: 'x', size: 1, sha256: 'not-hex' }] }, { files: null }, { capacityBytes: Number.MAX_SAFE_INTEGER + 2 }
    ]
  },
  {
    route: { method: 'PUT', url: '/peers/p1/heartbeat', signer: 'p1' },
    valid: { freeBytes: 10, activeTransfers: 1 },
    wrongTyped: [{ freeBytes: '10' }, { freeBytes: null }, { freeBytes: -1 }, { activeTransfers: -1 }, { activeTransfers: 1e9 }, { freeBytes: [] }]
  },
  {
    route: { method: 'POST', url: '/peers/p1/files', signer: 'p1' },
    valid: { name: 'new.txt', size: 3, sha256: sha('c'), freeBytes: 9 },
    wrongTyped: [{ name: ['x'] }, { name: '../x' }, { name: '..' }, { name: '' }, { size: '3' }, { sha256: sha('C') }, { freeBytes: true }, { name: 'a\u0000b' }]
  },
  {
    route: { method: 'POST', url: '/placements', signer: CLIENT_SIGNER },
    valid: { name: 'up.bin', size: 10 },
    wrongTyped: [{ name: 5 }, { name: 'a/b' }, { name: '..' }, { name: '.' }, { size: 1e300 }, { size: '10' }, { size: -1 }, { size: null }, { name: 'x'.repeat(256) }]
  }
]

function expectValidationError (response: { statusCode: number, json: () => unknown }, what: string): void {
  expect(response.statusCode, what).toBe(400)
  expect(response.json(), what).toEqual({ statusCode: 400, error: 'CENTRAL_VALIDATION', message: expect.any(String) })
}

describe('hostile JSON bodies', () => {
  for (const { route, valid, wrongTyped } of BODY_ROUTES) {
    it(`${route.method} ${route.url}: 400 CENTRAL_VALIDATION for malformed or wrong-typed JSON, and nothing changes`, async () => {
      const { app } = await start()
      const before = await state()
      for (const payload of MALFORMED) {
        expectValidationError(await send(app, { ...route, payload }), `malformed ${payload.slice(0, 40)}`)
      }
      for (const fields of wrongTyped) {
        expectValidationError(await send(app, { ...route, payload: { ...valid, ...fields } }), `wrong-typed ${JSON.stringify(fields).slice(0, 60)}`)
      }
      // Missing fields, one at a time (activeTransfers has a default).
      for (const field of Object.keys(valid).filter((name) => name !== 'activeTransfers')) {
        const { [field]: _dropped, ...missing } = valid
        expectValidationError(await send(app, { ...route, payload: missing }), `missing ${field}`)
      }
      expect(await state()).toEqual(before)
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()

      // The central still answers, and the same route takes a good body.
      expect((await send(app, { ...route, payload: valid })).statusCode).toBeLessThan(300)
    })
  }

  it('DELETE /peers/:peerId: 400 for a malformed JSON body, and the peer stays', async () => {
    const { app } = await start()
    const before = await state()
    for (const payload of ['{"x":', '{"__proto__":{}}']) {
      expectValidationError(await send(app, { method: 'DELETE', url: '/peers/p1', payload, signer: 'p1' }), payload)
    }
    expect(await state()).toEqual(before)
  })
})

describe('hostile parameters', () => {
  const BAD_PEER_IDS = ['.hidden', '-x', 'a%2Fb', '..%2F..', 'x'.repeat(65), '%00', 'p%201', '%E2%80%AEp1']
  // (A bare '..' segment never reaches a route: URL parsing resolves it first. Bodies test it.)
  const BAD_NAMES = ['..%2Fx', '%2Fetc%2Fpasswd', 'a%5Cb', '%00x', '%EF%BC%8Fetc', 'x'.repeat(256), '%20']

  it('400 CENTRAL_VALIDATION for a bad peer id on every peer route, and nothing changes', async () => {
    const { app } = await start()
    const before = await state()
    for (const id of BAD_PEER_IDS) {
      expectValidationError(await send(app, { method: 'PUT', url: `/peers/${id}/heartbeat`, payload: { freeBytes: 1 }, signer: 'p1' }), `heartbeat ${id}`)
      expectValidationError(await send(app, { method: 'POST', url: `/peers/${id}/files`, payload: { name: 'n.txt', size: 1, sha256: sha('e'), freeBytes: 1 }, signer: 'p1' }), `announce ${id}`)
      expectValidationError(await send(app, { method: 'DELETE', url: `/peers/${id}`, signer: 'p1' }), `leave ${id}`)
    }
    expect(await state()).toEqual(before)
  })

  it('400 CENTRAL_VALIDATION for a bad file name to locate', async () => {
    const { app } = await start()
    for (const name of BAD_NAMES) {
      const response = await send(app, { method: 'GET', url: `/files/${name}`, signer: CLIENT_SIGNER })
      expectValidationError(response, name)
      expect(response.body, name).not.toContain('ticket')
    }
  })
})
