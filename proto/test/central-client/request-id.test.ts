// The central client sends a call's request id as x-request-id, at every address it tries, and no
// header at all for a call without one.
import { afterEach, describe, expect, it } from 'vitest'
import { createCentralClient } from '../../src/index.js'
import { startScriptedCentral, unavailable } from './scripted-central.js'
import type { ScriptedCentral } from './scripted-central.js'

const LOCATED = { name: 'a.txt', size: 1, sha256: 'ab'.repeat(32), addedAt: '2026-01-01T00:00:00.000Z', holders: [], replicas: 0, status: 'lost', ticket: null }

const started: ScriptedCentral[] = []
afterEach(async () => { await Promise.all(started.splice(0).map(async (central) => { await central.close() })) })

describe('request ids to the central', () => {
  it('sends the request id of a call to each address it tries', async () => {
    const down = await startScriptedCentral(() => unavailable())
    const up = await startScriptedCentral(() => ({ status: 200, body: LOCATED }))
    started.push(down, up)
    const client = createCentralClient({ baseUrls: [down.url, up.url] })
    await client.locate('a.txt', { requestId: 'trace-7' }).catch(() => {})
    await client.leave('peer-1', { requestId: 'trace-8' }).catch(() => {})
    // The second call goes straight to the address that answered the first.
    expect(down.requests.map((request) => request.headers['x-request-id'])).toEqual(['trace-7'])
    expect(up.requests.map((request) => request.headers['x-request-id'])).toEqual(['trace-7', 'trace-8'])
  })

  it('sends no request id header for a call without one', async () => {
    const central = await startScriptedCentral(() => ({ status: 200, body: LOCATED }))
    started.push(central)
    await createCentralClient({ baseUrl: central.url }).locate('a.txt').catch(() => {})
    expect(central.requests).toHaveLength(1)
    expect(central.requests[0]?.headers['x-request-id']).toBeUndefined()
  })
})
