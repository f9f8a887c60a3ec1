// Replication: the central keeps each file at the replication factor by ordering copies in the answers
// to heartbeats, frees an order when the copying peer stops reporting it, orders again when a holder
// expires (once the sweep, every interval on a running central, has removed it), and reports
// under-replicated and lost files.
import { MAX_REPLICATIONS_PER_PEER, verifyTicket } from '@p2p/proto'
import type { Lease, ReplicationReport } from '@p2p/proto'
import { afterEach, describe, expect, it } from 'vitest'
import {
  announce, buildTestCentral, EXPIRES_AFTER_MS, getJson, send, heartbeat, HEARTBEAT_INTERVAL_MS, locate, peerBody, register as registerRequest, sha, TEST_KEYS
} from '../helpers/central-app.js'
import type { TestCentral } from '../helpers/central-app.js'

let central: TestCentral
afterEach(async () => { await central.app.close() })

async function register (...args: Parameters<typeof registerRequest>): Promise<void> {
  const response = await registerRequest(...args)
  expect(response.statusCode, response.body).toBe(200)
}

const photo = { name: 'photo.jpg', size: 100, sha256: sha('e') }

async function beat (peerId: string, freeBytes: number, replicating: string[] = []): Promise<Lease> {
  const response = await heartbeat(central.app, peerId, { freeBytes, replicating })
  expect(response.statusCode).toBe(200)
  return response.json<Lease>()
}

const report = async (): Promise<ReplicationReport> => await getJson<ReplicationReport>(central.app, '/replication')

describe('replication orders', () => {
  it('orders the missing copy from the peer with the most room, with a ticket good at the holders', async () => {
    central = buildTestCentral()
    const { app } = central
    await register(app, peerBody('holder', { files: [photo] }))
    await register(app, peerBody('roomy', { freeBytes: 900 }))
    await register(app, peerBody('tight', { freeBytes: 500 }))

    // tight asks first, but roomy has more room: the copy waits for roomy.
    expect((await beat('tight', 500)).replicate).toEqual([])
    const lease = await beat('roomy', 900)
    expect(lease.replicate).toHaveLength(1)
    const [order] = lease.replicate
    expect(order).toMatchObject({ ...photo, sources: [{ peerId: 'holder', grpcAddress: peerBody('holder').grpcAddress }] })
    const ticket = await verifyTicket(TEST_KEYS.transferTickets, order?.ticket ?? '', { peerId: 'holder', kind: 'download' }, central.clock.now())
    expect(ticket).toMatchObject({ name: photo.name, size: photo.size, sha256: photo.sha256 })

    // One copy under way plus one holder make two: nobody else is asked.
    expect((await beat('tight', 500)).replicate).toEqual([])
    expect(await report()).toMatchObject({ replicationFactor: 2, files: 1, copiesInProgress: 1, lost: [] })

    // The copy is announced: the file has its two copies and the order is over.
    expect((await announce(app, 'roomy', { ...photo, freeBytes: 800 })).statusCode).toBe(204)
    expect((await beat('roomy', 800)).replicate).toEqual([])
    expect((await beat('tight', 500)).replicate).toEqual([])
    expect(await report()).toMatchObject({ files: 1, underReplicated: [], copiesInProgress: 0 })
    expect((await locate(app, photo.name)).json()).toMatchObject({ replicas: 2, status: 'ok' })
  })

  it('keeps an order while the peer reports it, and gives it out again once the peer drops it', async () => {
    central = buildTestCentral()
    const { app } = central
    await register(app, peerBody('holder', { files: [photo] }))
    await register(app, peerBody('copier', { freeBytes: 900 }))
    await register(app, peerBody('other', { freeBytes: 800 }))

    expect((await beat('copier', 900)).replicate).toHaveLength(1)
    expect((await beat('copier', 900, [photo.name])).replicate).toEqual([])
    expect((await beat('other', 800)).replicate).toEqual([])
    // The copier gave up (its source failed): the order is free, and it still has the most room.
    expect((await beat('copier', 900)).replicate).toMatchObject([{ name: photo.name }])
  })

  it('frees the order of a peer that stops heartbeating mid-copy', async () => {
    central = buildTestCentral()
    const { app, clock } = central
    await register(app, peerBody('holder', { files: [photo] }))
    await register(app, peerBody('doomed', { freeBytes: 900 }))
    await register(app, peerBody('survivor', { freeBytes: 800 }))
    expect((await beat('doomed', 900)).replicate).toHaveLength(1)

    for (let elapsed = 0; elapsed <= EXPIRES_AFTER_MS; elapsed += HEARTBEAT_INTERVAL_MS) {
      clock.advance(HEARTBEAT_INTERVAL_MS)
      // As a running central does every interval: the sweep removes the dead peer with its order.
      await app.directory.sweep()
      await beat('holder', 900)
      const { replicate } = await beat('survivor', 800)
      if (replicate.length > 0) {
        expect(replicate).toMatchObject([{ name: photo.name }])
        return
      }
    }
    throw new Error('the order of the dead peer was never given to the survivor')
  })

  it('never orders a copy onto a peer without room, or onto one holding the name', async () => {
    central = buildTestCentral()
    const { app } = central
    await register(app, peerBody('holder', { files: [photo] }))
    await register(app, peerBody('full', { freeBytes: 99 }))
    await register(app, peerBody('namesake', { freeBytes: 900, files: [{ ...photo, sha256: sha('f') }] }))
    expect((await beat('full', 99)).replicate).toEqual([])
    expect((await beat('namesake', 900)).replicate).toEqual([])
    expect((await report()).underReplicated.map((file) => file.name)).toEqual([photo.name])
  })

  it(`gives one peer at most ${MAX_REPLICATIONS_PER_PEER} copies at a time, fewest copies first`, async () => {
    central = buildTestCentral()
    const { app } = central
    const files = ['a', 'b', 'c'].map((seed) => ({ name: `${seed}.bin`, size: 10, sha256: sha(seed) }))
    await register(app, peerBody('holder', { files }))
    await register(app, peerBody('copier', { freeBytes: 900 }))
    const first = (await beat('copier', 900)).replicate.map((order) => order.name)
    expect(first).toEqual(['a.bin', 'b.bin'])
    expect((await beat('copier', 900, first)).replicate).toEqual([])
    expect((await announce(app, 'copier', { ...files[0] as typeof photo, freeBytes: 890 })).statusCode).toBe(204)
    expect((await beat('copier', 890, ['b.bin'])).replicate.map((order) => order.name)).toEqual(['c.bin'])
  })

  it('copies again from the survivor when a holder expires, and reports a file lost when every holder is gone', async () => {
    central = buildTestCentral()
    const { app, clock } = central
    await register(app, peerBody('first', { files: [photo] }))
    await register(app, peerBody('second', { files: [photo] }))
    await register(app, peerBody('spare', { freeBytes: 900 }))
    expect((await beat('spare', 900)).replicate).toEqual([])

    clock.advance(EXPIRES_AFTER_MS - 1)
    await beat('second', 900)
    await beat('spare', 900)
    clock.advance(1)
    // first has expired, and the sweep removes it: photo is down to one copy, and spare is asked to copy it from second.
    await app.directory.sweep()
    expect((await report()).underReplicated).toMatchObject([{ name: photo.name, replicas: 1, status: 'under-replicated' }])
    expect((await beat('spare', 900)).replicate).toMatchObject([{ name: photo.name, sources: [{ peerId: 'second' }] }])

    clock.advance(EXPIRES_AFTER_MS)
    await app.directory.sweep()
    const lost = await report()
    expect(lost).toMatchObject({ files: 0, underReplicated: [], lost: [{ ...photo, addedAt: expect.any(String) }] })
    expect((await locate(app, photo.name)).json()).toMatchObject({ statusCode: 404, error: 'CENTRAL_FILE_LOST' })
    expect(await getJson(app, '/health')).toMatchObject({ files: 0, lost: 1 })
  })

  it('keeps one copy only with a replication factor of 1', async () => {
    central = buildTestCentral({ config: { replicationFactor: 1 } })
    const { app } = central
    await register(app, peerBody('holder', { files: [photo] }))
    await register(app, peerBody('spare', { freeBytes: 900 }))
    expect((await beat('spare', 900)).replicate).toEqual([])
    expect((await locate(app, photo.name)).json()).toMatchObject({ replicas: 1, status: 'ok' })
  })

  it('orders a copy a peer asks for (its user downloaded the file) with its next heartbeat, beyond the factor', async () => {
    central = buildTestCentral()
    const { app } = central
    await register(app, peerBody('first', { files: [photo] }))
    await register(app, peerBody('second', { files: [photo] }))
    await register(app, peerBody('reader', { freeBytes: 900 }))
    await register(app, peerBody('tiny', { freeBytes: 50 }))
    const ask = async (signer: string, peerId: string, name: string): Promise<{ statusCode: number, body: Record<string, unknown> }> => {
      const response = await send(app, { method: 'POST', url: `/peers/${peerId}/copies`, payload: { name }, signer })
      return { statusCode: response.statusCode, body: response.json() }
    }

    expect(await ask('pclient:reader', 'reader', photo.name)).toEqual({ statusCode: 202, body: { name: photo.name, peerId: 'reader', status: 'ordered' } })
    expect(await ask('reader', 'reader', photo.name)).toMatchObject({ statusCode: 202, body: { status: 'ordered' } })
    expect((await beat('reader', 900)).replicate).toMatchObject([{ name: photo.name, sources: [{ peerId: 'first' }, { peerId: 'second' }] }])
    expect(await ask('first', 'first', photo.name)).toMatchObject({ statusCode: 202, body: { status: 'held' } })

    // Only that machine may ask for itself; the file must exist and fit.
    expect(await ask('pclient:reader', 'tiny', photo.name)).toMatchObject({ statusCode: 403, body: { error: 'CENTRAL_FORBIDDEN' } })
    expect(await ask('pclient:tiny', 'tiny', photo.name)).toMatchObject({ statusCode: 507, body: { error: 'CENTRAL_NO_ROOM' } })
    expect(await ask('pclient:tiny', 'tiny', 'nothing.txt')).toMatchObject({ statusCode: 404, body: { error: 'CENTRAL_FILE_NOT_FOUND' } })
    expect(await ask('pclient:ghost', 'ghost', photo.name)).toMatchObject({ statusCode: 404, body: { error: 'CENTRAL_PEER_UNKNOWN' } })
  })

  it('passes over a peer with no copy slot left, so a busy peer cannot hold a file up', async () => {
    central = buildTestCentral()
    const { app } = central
    const files = ['a', 'b', 'c'].map((seed) => ({ name: `${seed}.bin`, size: 10, sha256: sha(seed) }))
    await register(app, peerBody('holder', { files }))
    await register(app, peerBody('busy', { freeBytes: 900 }))
    await register(app, peerBody('spare', { freeBytes: 500 }))
    // busy has the most room and takes two copies, its limit; the third goes to spare.
    expect((await beat('busy', 900)).replicate.map((order) => order.name)).toEqual(['a.bin', 'b.bin'])
    expect((await beat('spare', 500)).replicate.map((order) => order.name)).toEqual(['c.bin'])
  })

  it('counts a copy a peer reports as under way even when this central never ordered it (it restarted)', async () => {
    central = buildTestCentral()
    const { app } = central
    await register(app, peerBody('holder', { files: [photo] }))
    await register(app, peerBody('copier', { freeBytes: 900 }))
    await register(app, peerBody('other', { freeBytes: 800 }))
    expect((await beat('copier', 900, [photo.name])).replicate).toEqual([])
    expect((await beat('other', 800)).replicate).toEqual([])
    expect(await report()).toMatchObject({ copiesInProgress: 1 })
  })
})
