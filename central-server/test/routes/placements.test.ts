// POST /placements: most free space wins, 507 and 409, reservations, and refused input that reserves nothing.
import type { Placement } from '@p2p/proto'
import { afterEach, describe, expect, it } from 'vitest'
import { announce, buildTestCentral, CLIENT_SIGNER, EXPIRES_AFTER_MS, heartbeat, peerBody, place as placeRequest, register, send, sha } from '../helpers/central-app.js'
import type { TestCentral } from '../helpers/central-app.js'

// Shorter than a peer's expiry, so a test can outlive a reservation while its peers stay alive.
const RESERVATION_TTL_MS = 2000

let central: TestCentral
function start (): TestCentral {
  // One copy per file: these tests are about placements, and copies ordered on heartbeats would hold room too.
  central = buildTestCentral({ reservationTtlMs: RESERVATION_TTL_MS, config: { replicationFactor: 1 } })
  return central
}
afterEach(async () => { await central.app.close() })

async function place (name: string, size: number): Promise<{ statusCode: number, body: Placement & { error?: string } }> {
  const response = await placeRequest(central.app, { name, size })
  return { statusCode: response.statusCode, body: response.json() }
}

describe('POST /placements', () => {
  it('picks the live peer with the most free space that fits the file', async () => {
    const { app } = start()
    await register(app, peerBody('small', { freeBytes: 100 }))
    await register(app, peerBody('large', { freeBytes: 900 }))
    await register(app, peerBody('medium', { freeBytes: 500 }))
    const placed = await place('new.bin', 50)
    expect(placed.statusCode).toBe(201)
    expect(placed.body).toEqual({ name: 'new.bin', size: 50, peerId: 'large', grpcAddress: peerBody('large').grpcAddress, ticket: expect.any(String) })
  })

  it('breaks ties on free space by fewest transfers, then peer id', async () => {
    const { app } = start()
    await register(app, peerBody('b', { freeBytes: 500, activeTransfers: 1 }))
    await register(app, peerBody('c', { freeBytes: 500, activeTransfers: 0 }))
    await register(app, peerBody('a', { freeBytes: 500, activeTransfers: 1 }))
    // Empty files reserve nothing, so every placement below sees the same free space.
    expect((await place('one.bin', 0)).body.peerId).toBe('c')
    await heartbeat(app, 'c', { freeBytes: 500, activeTransfers: 2 })
    expect((await place('two.bin', 0)).body.peerId).toBe('a')
  })

  it('answers 507 CENTRAL_NO_ROOM when no live peer has room', async () => {
    const { app, clock } = start()
    expect(await place('x.bin', 1)).toMatchObject({ statusCode: 507, body: { error: 'CENTRAL_NO_ROOM' } })
    await register(app, peerBody('p1', { freeBytes: 100 }))
    expect(await place('x.bin', 101)).toMatchObject({ statusCode: 507, body: { error: 'CENTRAL_NO_ROOM' } })
    expect((await place('x.bin', 100)).body.peerId).toBe('p1')
    await register(app, peerBody('p1', { freeBytes: 1000 }))
    clock.advance(EXPIRES_AFTER_MS)
    expect(await place('y.bin', 1)).toMatchObject({ statusCode: 507, body: { error: 'CENTRAL_NO_ROOM' } })
  })

  it('answers 409 CENTRAL_FILE_EXISTS when a live peer holds the name', async () => {
    const { app, clock } = start()
    await register(app, peerBody('holder', { freeBytes: 10, files: [{ name: 'taken.txt', size: 1, sha256: sha('a') }] }))
    await register(app, peerBody('roomy', { freeBytes: 1000 }))
    expect(await place('taken.txt', 1)).toMatchObject({ statusCode: 409, body: { error: 'CENTRAL_FILE_EXISTS' } })

    // Once the holder has expired the name is free again.
    clock.advance(EXPIRES_AFTER_MS - 1)
    await heartbeat(app, 'roomy', { freeBytes: 1000 })
    clock.advance(1)
    expect(await place('taken.txt', 1)).toMatchObject({ statusCode: 201, body: { peerId: 'roomy' } })
  })

  it('sets placed bytes aside on the chosen peer until the file is announced or the reservation lapses', async () => {
    const { app, clock } = start()
    await register(app, peerBody('a', { freeBytes: 100 }))
    await register(app, peerBody('b', { freeBytes: 80 }))

    expect((await place('one.bin', 60)).body.peerId).toBe('a') // a: 40 left, b: 80
    expect((await place('two.bin', 60)).body.peerId).toBe('b') // a: 40, b: 20
    expect(await place('three.bin', 60)).toMatchObject({ statusCode: 507, body: { error: 'CENTRAL_NO_ROOM' } })

    // a announces one.bin and reports what it has left; its reservation is released, not counted twice.
    expect((await announce(app, 'a', { name: 'one.bin', size: 60, sha256: sha('1'), freeBytes: 70 })).statusCode).toBe(204)
    expect((await place('three.bin', 60)).body.peerId).toBe('a') // a: 70 - 60 = 10, b: 20

    // b never announces two.bin; once the reservation lapses its room comes back.
    expect(await place('four.bin', 60)).toMatchObject({ statusCode: 507 })
    clock.advance(RESERVATION_TTL_MS)
    for (const peerId of ['a', 'b']) await heartbeat(app, peerId, { freeBytes: peerId === 'a' ? 70 : 80 })
    expect((await place('four.bin', 60)).body.peerId).toBe('b')
  })

  it('refuses bad input with CENTRAL_VALIDATION and reserves nothing', async () => {
    const { app } = start()
    await register(app, peerBody('a', { freeBytes: 100 }))
    await register(app, peerBody('b', { freeBytes: 90 }))
    const bad = [
      { name: '../x', size: 10 },
      { name: 'ok.bin', size: -1 },
      { name: 'ok.bin', size: '10' },
      { name: 'ok.bin', size: 1.5 },
      { size: 10 }
    ]
    for (const payload of bad) {
      const response = await placeRequest(app, payload)
      expect(response.statusCode, JSON.stringify(payload)).toBe(400)
      expect(response.json(), JSON.stringify(payload)).toMatchObject({ error: 'CENTRAL_VALIDATION' })
    }
    const malformed = await send(app, { method: 'POST', url: '/placements', payload: '{"name":', signer: CLIENT_SIGNER })
    expect(malformed.json()).toMatchObject({ statusCode: 400, error: 'CENTRAL_VALIDATION' })
    // Had any of them reserved 10 bytes on a, b would win this one.
    expect((await place('ok.bin', 95)).body.peerId).toBe('a')
  })

  it('gives a name to one of many concurrent uploads: the others get 409 before any byte is sent', async () => {
    const { app } = start()
    // Peers with equal room, so every placement would pick a different one if the name were not claimed.
    for (const peerId of ['p1', 'p2', 'p3']) await register(app, peerBody(peerId, { freeBytes: 1000 }))
    const answers = await Promise.all(Array.from({ length: 10 }, async () => await place('race.bin', 20)))
    expect(answers.filter((answer) => answer.statusCode === 201)).toHaveLength(1)
    const losers = answers.filter((answer) => answer.statusCode !== 201)
    expect(losers).toHaveLength(9)
    for (const loser of losers) expect(loser).toMatchObject({ statusCode: 409, body: { error: 'CENTRAL_FILE_EXISTS' } })
    expect(losers[0]?.body).toMatchObject({ message: expect.stringContaining('being uploaded') })
  })

  it('keeps the name of an upload its peer is receiving past the reservation time, and frees it once the peer stops', async () => {
    const { app, clock } = start()
    await register(app, peerBody('p1', { freeBytes: 1000 }))
    await register(app, peerBody('p2', { freeBytes: 1000 }))
    const placed = await place('long.bin', 100)
    expect(placed.statusCode).toBe(201)
    const receiver = placed.body.peerId
    const other = receiver === 'p1' ? 'p2' : 'p1'
    // A slow upload: the receiving peer reports it at every heartbeat, far past the reservation's TTL.
    for (let i = 0; i < 5; i++) {
      clock.advance(RESERVATION_TTL_MS / 2)
      await heartbeat(app, receiver, { freeBytes: 1000, uploading: ['long.bin'] })
      await heartbeat(app, other, { freeBytes: 1000 })
      expect(await place('long.bin', 100)).toMatchObject({ statusCode: 409, body: { error: 'CENTRAL_FILE_EXISTS' } })
    }
    // Another peer cannot announce the name meanwhile.
    expect((await announce(app, other, { name: 'long.bin', size: 100, sha256: sha('9'), freeBytes: 900 })).json())
      .toMatchObject({ statusCode: 409, error: 'CENTRAL_FILE_EXISTS' })
    // The upload fails: the peer stops reporting it, and its next heartbeat frees the name.
    clock.advance(RESERVATION_TTL_MS / 2)
    await heartbeat(app, receiver, { freeBytes: 1000 })
    expect((await place('long.bin', 100)).statusCode).toBe(201)
  })

  it('frees the name of a placement its peer never started receiving once the start grace has passed', async () => {
    const { app, clock } = start()
    await register(app, peerBody('p1', { freeBytes: 1000 }))
    expect((await place('never.bin', 10)).statusCode).toBe(201)
    // A heartbeat right after the placement leaves it alone: the sender may not have connected yet.
    await heartbeat(app, 'p1', { freeBytes: 1000 })
    expect((await place('never.bin', 10)).statusCode).toBe(409)
    clock.advance(RESERVATION_TTL_MS - 1)
    await heartbeat(app, 'p1', { freeBytes: 1000 })
    expect((await place('never.bin', 10)).statusCode).toBe(409)
    clock.advance(1)
    expect((await place('never.bin', 10)).statusCode).toBe(201)
  })
})
