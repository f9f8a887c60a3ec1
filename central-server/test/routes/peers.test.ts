// The peer routes: register, heartbeat, announce, leave, list, and liveness driven by the injected clock.
import type { FileView, Lease, PeerView } from '@p2p/proto'
import { afterEach, describe, expect, it } from 'vitest'
import {
  announce, buildTestCentral, EXPIRES_AFTER_MS, getJson, heartbeat, HEARTBEAT_INTERVAL_MS, leave, locate, peerBody, register, send, sha
} from '../helpers/central-app.js'
import type { TestCentral } from '../helpers/central-app.js'

const file = (name: string, seed = 'a', size = 10): { name: string, size: number, sha256: string } => ({ name, size, sha256: sha(seed) })

let central: TestCentral
async function start (): Promise<TestCentral> {
  central = buildTestCentral()
  return central
}
afterEach(async () => { await central.app.close() })

const peers = async (): Promise<PeerView[]> => (await getJson<{ peers: PeerView[] }>(central.app, '/peers')).peers
const files = async (): Promise<FileView[]> => (await getJson<{ files: FileView[] }>(central.app, '/files')).files

describe('POST /peers (register)', () => {
  it('answers a lease and lists the peer with its files', async () => {
    const { app, clock } = await start()
    const response = await register(app, peerBody('p1', { freeBytes: 900, activeTransfers: 2, files: [file('a.txt'), file('b.txt', 'b')] }))
    expect(response.statusCode).toBe(200)
    expect(response.json<Lease>()).toEqual({ peerId: 'p1', heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS, expiresAfterMs: EXPIRES_AFTER_MS, replicate: [], delete: [] })

    const at = new Date(clock.now()).toISOString()
    expect(await getJson(app, '/peers')).toEqual({
      peers: [{ peerId: 'p1', grpcAddress: peerBody('p1').grpcAddress, capacityBytes: 1000, freeBytes: 900, activeTransfers: 2, fileCount: 2, registeredAt: at, lastSeenAt: at }],
      next: null
    })
    expect((await files()).map((f) => f.name)).toEqual(['a.txt', 'b.txt'])
  })

  it('replaces the whole record and file set when the peer registers again', async () => {
    const { app } = await start()
    await register(app, peerBody('p1', { files: [file('a.txt'), file('b.txt')] }))
    const again = await register(app, peerBody('p1', { grpcAddress: '10.0.0.9:6000', freeBytes: 10, files: [file('c.txt')] }))
    expect(again.statusCode).toBe(200)
    expect((await files()).filter((f) => f.status !== 'lost').map((f) => f.name)).toEqual(['c.txt'])
    expect(await peers()).toMatchObject([{ peerId: 'p1', grpcAddress: '10.0.0.9:6000', freeBytes: 10, fileCount: 1 }])
  })

  it('refuses bad input with CENTRAL_VALIDATION naming the field, and changes nothing', async () => {
    const { app } = await start()
    await register(app, peerBody('p1', { files: [file('keep.txt')] }))
    const before = { peers: await peers(), files: await files() }

    const badName = await register(app, peerBody('p1', { files: [file('ok.txt'), file('../x')] }))
    expect(badName.statusCode).toBe(400)
    expect(badName.json()).toMatchObject({ statusCode: 400, error: 'CENTRAL_VALIDATION' })
    expect(badName.json<{ message: string }>().message).toContain('body.files[1].name')

    const wrongType = await send(app, { method: 'POST', url: '/peers', payload: { ...peerBody('p1'), capacityBytes: 'lots' }, signer: 'p1' })
    expect(wrongType.statusCode).toBe(400)
    expect(wrongType.json()).toMatchObject({ error: 'CENTRAL_VALIDATION' })
    expect(wrongType.json<{ message: string }>().message).toContain('body.capacityBytes')

    const badSha = await register(app, peerBody('p1', { files: [{ name: 'x', size: 1, sha256: 'XYZ' }] }))
    expect(badSha.json()).toMatchObject({ statusCode: 400, error: 'CENTRAL_VALIDATION' })

    const badPieces = await register(app, peerBody('p1', { files: [{ ...file('x'), piecesSha256: 'not a digest' }] }))
    expect(badPieces.json()).toMatchObject({ statusCode: 400, error: 'CENTRAL_VALIDATION' })
    expect(badPieces.json<{ message: string }>().message).toContain('body.files[0].piecesSha256')

    const duplicate = await register(app, peerBody('p1', { files: [file('twice.txt'), file('twice.txt', 'b')] }))
    expect(duplicate.statusCode).toBe(400)
    expect(duplicate.json()).toMatchObject({ error: 'CENTRAL_VALIDATION' })
    expect(duplicate.json<{ message: string }>().message).toContain('body.files[1].name')

    const malformed = await send(app, { method: 'POST', url: '/peers', payload: '{"peerId": "p1",', signer: 'p1' })
    expect(malformed.statusCode).toBe(400)
    expect(malformed.json()).toMatchObject({ error: 'CENTRAL_VALIDATION' })

    expect({ peers: await peers(), files: await files() }).toEqual(before)
  })
})

describe('PUT /peers/:peerId/heartbeat', () => {
  it('updates the load and last-seen time and answers the lease', async () => {
    const { app, clock } = await start()
    await register(app, peerBody('p1'))
    clock.advance(500)
    const response = await heartbeat(app, 'p1', { freeBytes: 321, activeTransfers: 4 })
    expect(response.statusCode).toBe(200)
    expect(response.json<Lease>()).toEqual({ peerId: 'p1', heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS, expiresAfterMs: EXPIRES_AFTER_MS, replicate: [], delete: [] })
    expect(await peers()).toMatchObject([{ freeBytes: 321, activeTransfers: 4, lastSeenAt: new Date(clock.now()).toISOString() }])
  })

  it('answers 404 CENTRAL_PEER_UNKNOWN to an unknown peer; the peer then re-registers', async () => {
    const { app } = await start()
    const response = await heartbeat(app, 'stranger', { freeBytes: 1 })
    expect(response.statusCode).toBe(404)
    expect(response.json()).toMatchObject({ statusCode: 404, error: 'CENTRAL_PEER_UNKNOWN' })
    expect(await peers()).toEqual([])

    expect((await register(app, peerBody('stranger'))).statusCode).toBe(200)
    expect((await heartbeat(app, 'stranger', { freeBytes: 1 })).statusCode).toBe(200)
  })

  it('refuses a bad peer id or body with CENTRAL_VALIDATION and changes nothing', async () => {
    const { app } = await start()
    await register(app, peerBody('p1', { freeBytes: 500 }))
    const badId = await heartbeat(app, '.hidden', { freeBytes: 1 })
    expect(badId.json()).toMatchObject({ statusCode: 400, error: 'CENTRAL_VALIDATION' })
    expect(badId.json<{ message: string }>().message).toContain('params.peerId')
    const badBody = await send(app, { method: 'PUT', url: '/peers/p1/heartbeat', payload: { freeBytes: -5 }, signer: 'p1' })
    expect(badBody.json()).toMatchObject({ statusCode: 400, error: 'CENTRAL_VALIDATION' })
    expect(badBody.json<{ message: string }>().message).toContain('body.freeBytes')
    expect(await peers()).toMatchObject([{ freeBytes: 500 }])
  })
})

describe('liveness', () => {
  it('hides a peer and its files once it misses three intervals, and wants a re-registration', async () => {
    const { app, clock } = await start()
    await register(app, peerBody('quiet', { files: [file('q.txt')] }))
    await register(app, peerBody('chatty', { files: [file('c.txt')] }))

    // chatty keeps heartbeating; quiet says nothing.
    for (let i = 0; i < 3; i++) {
      clock.advance(HEARTBEAT_INTERVAL_MS)
      if (i < 2) expect((await peers()).map((p) => p.peerId)).toEqual(['chatty', 'quiet'])
      expect((await heartbeat(app, 'chatty', { freeBytes: 1000 })).statusCode).toBe(200)
    }
    expect((await peers()).map((p) => p.peerId)).toEqual(['chatty'])
    expect((await files()).map((f) => [f.name, f.status])).toEqual([['c.txt', 'under-replicated'], ['q.txt', 'lost']])
    expect((await locate(app, 'q.txt')).statusCode).toBe(404)

    const late = await heartbeat(app, 'quiet', { freeBytes: 1000 })
    expect(late.json()).toMatchObject({ statusCode: 404, error: 'CENTRAL_PEER_UNKNOWN' })
    expect((await announce(app, 'quiet', { ...file('new.txt'), freeBytes: 990 })).json()).toMatchObject({ error: 'CENTRAL_PEER_UNKNOWN' })

    expect((await register(app, peerBody('quiet', { files: [file('q.txt')] }))).statusCode).toBe(200)
    expect((await files()).map((f) => f.name)).toEqual(['c.txt', 'q.txt'])
  })

  it('sweeps expired peers out of the store, the same way as a leave', async () => {
    const { app, clock, store } = await start()
    await register(app, peerBody('gone', { files: [file('g.txt')] }))
    clock.advance(EXPIRES_AFTER_MS - 1)
    await register(app, peerBody('fresh'))
    expect(await app.directory.sweep()).toBe(0)
    clock.advance(1)

    expect(await app.directory.sweep()).toBe(1)
    expect(await store.getPeer('gone')).toBeNull()
    expect(await store.getFile('g.txt', { seenAfter: 0 })).toMatchObject({ holders: [] })
    expect(await store.getPeer('fresh')).not.toBeNull()
  })
})

describe('POST /peers/:peerId/files (announce)', () => {
  it('adds one file to the peer and records its free space', async () => {
    const { app } = await start()
    await register(app, peerBody('p1', { files: [file('a.txt')] }))
    const response = await announce(app, 'p1', { ...file('new.bin', 'c', 50), freeBytes: 950 })
    expect(response.statusCode).toBe(204)
    expect(response.body).toBe('')
    expect((await files()).map((f) => f.name)).toEqual(['a.txt', 'new.bin'])
    expect(await peers()).toMatchObject([{ freeBytes: 950, fileCount: 2 }])
  })

  it('records the piece table digest the first announce of a content brings, and answers it with the file', async () => {
    const { app } = await start()
    const uploaded = { ...file('movie.bin', 'd', 50), piecesSha256: sha('1') }
    await register(app, peerBody('p1'))
    expect((await announce(app, 'p1', { ...uploaded, freeBytes: 950 })).statusCode).toBe(204)
    // A copy of the same content announced with another digest does not change what was recorded.
    await register(app, peerBody('p2'))
    expect((await announce(app, 'p2', { ...uploaded, piecesSha256: sha('2'), freeBytes: 950 })).statusCode).toBe(204)
    const located = await locate(app, 'movie.bin')
    expect(located.json()).toMatchObject({ name: 'movie.bin', sha256: sha('d'), piecesSha256: sha('1'), replicas: 2 })
    expect((await files()).find((f) => f.name === 'movie.bin')?.piecesSha256).toBe(sha('1'))

    const bad = await announce(app, 'p1', { ...file('b.bin'), piecesSha256: 'ABC', freeBytes: 900 })
    expect(bad.json()).toMatchObject({ statusCode: 400, error: 'CENTRAL_VALIDATION' })
    expect(bad.json<{ message: string }>().message).toContain('body.piecesSha256')
    expect((await files()).map((f) => f.name)).toEqual(['movie.bin'])
  })

  it('answers 404 CENTRAL_PEER_UNKNOWN to an unknown peer and adds nothing', async () => {
    const { app } = await start()
    const response = await announce(app, 'ghost', { ...file('x.txt'), freeBytes: 1 })
    expect(response.statusCode).toBe(404)
    expect(response.json()).toMatchObject({ error: 'CENTRAL_PEER_UNKNOWN' })
    expect(await files()).toEqual([])
  })

  it('refuses a path as a name and changes nothing', async () => {
    const { app } = await start()
    await register(app, peerBody('p1'))
    const response = await announce(app, 'p1', { ...file('../x'), freeBytes: 1 })
    expect(response.json()).toMatchObject({ statusCode: 400, error: 'CENTRAL_VALIDATION' })
    expect(response.json<{ message: string }>().message).toContain('body.name')
    expect(await files()).toEqual([])
    expect(await peers()).toMatchObject([{ freeBytes: 1000, fileCount: 0 }])
  })
})

describe('DELETE /peers/:peerId (leave)', () => {
  it('forgets the peer and its files, and is idempotent', async () => {
    const { app } = await start()
    await register(app, peerBody('p1', { files: [file('a.txt')] }))
    await register(app, peerBody('p2', { files: [file('b.txt')] }))
    const response = await leave(app, 'p1')
    expect(response.statusCode).toBe(204)
    expect((await peers()).map((p) => p.peerId)).toEqual(['p2'])
    expect((await files()).filter((f) => f.status !== 'lost').map((f) => f.name)).toEqual(['b.txt'])
    expect((await leave(app, 'p1')).statusCode).toBe(204)
    expect((await heartbeat(app, 'p1', { freeBytes: 1 })).json()).toMatchObject({ error: 'CENTRAL_PEER_UNKNOWN' })
  })
})

describe('GET /peers, page by page', () => {
  it('pages live peers by id: limit, then next until null, each peer once', async () => {
    const { app, clock } = await start()
    const ids = Array.from({ length: 23 }, (_, i) => `peer-${String(i).padStart(2, '0')}`)
    for (const peerId of [...ids].reverse()) await register(app, peerBody(peerId))
    clock.advance(EXPIRES_AFTER_MS - 1)
    // Every third peer goes silent: expired peers are passed over, not counted against the page.
    for (const [index, peerId] of ids.entries()) if (index % 3 !== 0) await heartbeat(app, peerId, { freeBytes: 1000 })
    clock.advance(1)
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const answer: { peers: PeerView[], next: string | null } = await getJson(app, `/peers?limit=4${cursor == null ? '' : `&cursor=${cursor}`}`)
      expect(answer.peers.length).toBeLessThanOrEqual(4)
      seen.push(...answer.peers.map((p) => p.peerId))
      cursor = answer.next
    } while (cursor != null)
    expect(seen).toEqual(ids.filter((_, index) => index % 3 !== 0))
    expect((await send(app, { method: 'GET', url: '/peers?limit=1001', signer: null })).json()).toMatchObject({ error: 'CENTRAL_VALIDATION' })
    expect((await send(app, { method: 'GET', url: '/peers?cursor=nope!', signer: null })).json()).toMatchObject({ error: 'CENTRAL_VALIDATION' })
  })
})
