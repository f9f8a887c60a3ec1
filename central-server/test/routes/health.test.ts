// GET /health counts live peers, distinct file names and how well they are copied (the file counts
// follow the expiry sweep), and names the store and the replica that answered.
import os from 'node:os'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestCentral, EXPIRES_AFTER_MS, heartbeat, peerBody, register, sha } from '../helpers/central-app.js'
import type { TestCentral } from '../helpers/central-app.js'

let central: TestCentral
afterEach(async () => { await central.app.close() })

describe('GET /health', () => {
  it('counts live peers and distinct file names', async () => {
    central = buildTestCentral()
    const { app, clock } = central
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({
      status: 'ok', peers: 0, files: 0, replicationFactor: 2, underReplicated: 0, lost: 0, store: 'memory', replica: expect.any(String)
    })

    const shared = { name: 'shared.txt', size: 1, sha256: sha('a') }
    await register(app, peerBody('p1', { files: [shared, { name: 'one.txt', size: 1, sha256: sha('b') }] }))
    await register(app, peerBody('p2', { files: [shared] }))
    const response = await app.inject({ method: 'GET', url: '/health' })
    expect(response.statusCode).toBe(200)
    // shared.txt has its two copies; one.txt only one.
    expect(response.json()).toMatchObject({ status: 'ok', peers: 2, files: 2, replicationFactor: 2, underReplicated: 1, lost: 0 })

    clock.advance(EXPIRES_AFTER_MS - 1)
    await heartbeat(app, 'p2', { freeBytes: 1000 })
    clock.advance(1)
    // An expired peer stops counting as a peer at once; its files are counted again once the sweep
    // (every heartbeat interval on a running central) has removed it.
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toMatchObject({ peers: 1 })
    await app.directory.sweep()
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toMatchObject({ status: 'ok', peers: 1, files: 1, replicationFactor: 2, underReplicated: 1, lost: 1 })
  })

  it('names the replica that answered: REPLICA_ID, or <hostname>-<pid> by default', async () => {
    central = buildTestCentral({ config: { replicaId: 'central-b' } })
    expect((await central.app.inject({ method: 'GET', url: '/health' })).json()).toMatchObject({ store: 'memory', replica: 'central-b' })
    await central.app.close()
    central = buildTestCentral()
    expect((await central.app.inject({ method: 'GET', url: '/health' })).json()).toMatchObject({ replica: `${os.hostname()}-${process.pid}` })
  })
})
