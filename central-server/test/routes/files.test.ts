// GET /files and GET /files/:name: grouping by name, conflicting content, holder order, expiry, bad names;
// pages (limit, cursor, q).
import type { FileView, LocatedFile } from '@p2p/proto'
import { afterEach, describe, expect, it } from 'vitest'
import {
  announce, buildTestCentral, CLIENT_SIGNER, EXPIRES_AFTER_MS, getJson, heartbeat, leave, locate as locateRequest, peerBody, register, send, sha
} from '../helpers/central-app.js'
import type { TestCentral } from '../helpers/central-app.js'

let central: TestCentral
function start (): TestCentral {
  central = buildTestCentral()
  return central
}
afterEach(async () => { await central.app.close() })

const files = async (): Promise<FileView[]> => (await getJson<{ files: FileView[] }>(central.app, '/files')).files
/** The located file without its ticket (tickets are checked in test/routes/tickets.test.ts). */
const locate = async (name: string): Promise<FileView> => {
  const { ticket, ...file } = await getJson<LocatedFile>(central.app, `/files/${encodeURIComponent(name)}`)
  expect(ticket).toEqual(expect.any(String))
  return file
}
const iso = (ms: number): string => new Date(ms).toISOString()

describe('GET /files', () => {
  it('lists every file of live peers once, sorted by name, dated by its first announcement', async () => {
    const { app, clock } = start()
    const t0 = clock.now()
    await register(app, peerBody('p1', { files: [{ name: 'zeta.txt', size: 3, sha256: sha('a') }, { name: 'Alpha.txt', size: 5, sha256: sha('b') }] }))
    clock.advance(100)
    await register(app, peerBody('p2', { files: [{ name: 'zeta.txt', size: 3, sha256: sha('a') }] }))
    await announce(app, 'p2', { name: 'beta.txt', size: 7, sha256: sha('c'), freeBytes: 990 })

    const listed = await files()
    expect(listed.map((f) => f.name)).toEqual(['Alpha.txt', 'beta.txt', 'zeta.txt'])
    expect(listed[2]).toMatchObject({ size: 3, sha256: sha('a'), addedAt: iso(t0) })
    expect(listed[2]?.holders.map((h) => h.peerId).sort()).toEqual(['p1', 'p2'])
    expect(listed[1]).toMatchObject({ addedAt: iso(t0 + 100), holders: [{ peerId: 'p2', freeBytes: 990 }] })
  })

  it('dates a file by its earliest live holder\'s announcement', async () => {
    const { app, clock } = start()
    const t0 = clock.now()
    const doc = { name: 'doc.txt', size: 1, sha256: sha('d') }
    await register(app, peerBody('p1'))
    clock.advance(10)
    await register(app, peerBody('p2', { files: [doc] }))
    clock.advance(10)
    await announce(app, 'p1', { ...doc, freeBytes: 999 })
    expect(await locate('doc.txt')).toMatchObject({ addedAt: iso(t0 + 10) })
    expect(await files()).toMatchObject([{ addedAt: iso(t0 + 10) }])

    // Announcing the same content again does not make it newer.
    clock.advance(10)
    await announce(app, 'p1', { ...doc, freeBytes: 999 })
    await leave(app, 'p2')
    expect(await locate('doc.txt')).toMatchObject({ addedAt: iso(t0 + 20), holders: [{ peerId: 'p1' }] })
  })

  it('shows the content the name stands for, and only its holders; never switches to other bytes', async () => {
    const { app, clock } = start()
    const t0 = clock.now()
    await register(app, peerBody('first', { files: [{ name: 'doc.txt', size: 1, sha256: sha('1') }] }))
    clock.advance(10)
    // Two peers come with other bytes under the same name (their seed folders differ): not listed for it.
    await register(app, peerBody('m1', { files: [{ name: 'doc.txt', size: 2, sha256: sha('2') }] }))
    clock.advance(10)
    await register(app, peerBody('m2', { files: [{ name: 'doc.txt', size: 2, sha256: sha('2') }] }))

    const view = await locate('doc.txt')
    expect(view).toMatchObject({ name: 'doc.txt', size: 1, sha256: sha('1'), addedAt: iso(t0) })
    expect(view.holders.map((h) => h.peerId)).toEqual(['first'])
    expect(await files()).toEqual([view])

    // Its only holder leaves: the file is lost, and the name does not quietly become the other bytes.
    await leave(app, 'first')
    const lost = await locateRequest(app, 'doc.txt')
    expect(lost.json()).toMatchObject({ statusCode: 404, error: 'CENTRAL_FILE_LOST' })
    expect(await files()).toMatchObject([{ name: 'doc.txt', sha256: sha('1'), status: 'lost', holders: [] }])
  })

  it('lists the files of an expired peer as lost, with no holder', async () => {
    const { app, clock } = start()
    const t0 = clock.now()
    await register(app, peerBody('p1', { files: [{ name: 'a.txt', size: 1, sha256: sha('a') }] }))
    clock.advance(EXPIRES_AFTER_MS)
    expect(await getJson(central.app, '/files')).toEqual({
      files: [{ name: 'a.txt', size: 1, sha256: sha('a'), addedAt: iso(t0), holders: [], replicas: 0, status: 'lost' }],
      next: null
    })
  })
})

describe('GET /files, page by page', () => {
  type FilePage = { files: FileView[], next: string | null }
  const page = async (query: string): Promise<FilePage> => await getJson<FilePage>(central.app, `/files?${query}`)
  /** Every page from the first, following next: the names in order, and how many pages it took. */
  async function walk (query: string): Promise<{ names: string[], pages: number }> {
    const names: string[] = []
    let pages = 0
    for (let cursor: string | null = ''; cursor != null; pages++) {
      const answer: FilePage = await page(`${query}${cursor === '' ? '' : `&cursor=${encodeURIComponent(cursor)}`}`)
      names.push(...answer.files.map((f) => f.name))
      cursor = answer.next
    }
    return { names, pages }
  }
  const NAMES = Array.from({ length: 250 }, (_, i) => `${i % 3 === 0 ? 'Photo' : 'doc'} ${String(i).padStart(3, '0')}${i % 5 === 0 ? ' holiday' : ''}.bin`)

  it('answers 100 files by default, at most limit, and a next that walks every file exactly once', async () => {
    const { app } = start()
    await register(app, peerBody('p1', { files: NAMES.map((name) => ({ name, size: 1, sha256: sha('a') })) }))
    const first = await page('')
    expect(first.files).toHaveLength(100)
    expect(first.next).toEqual(expect.any(String))
    const { names, pages } = await walk('limit=7')
    expect(names).toEqual([...NAMES].sort((a, b) => (a < b ? -1 : 1)))
    expect(pages).toBe(Math.ceil(250 / 7))
    expect((await page('limit=1000')).next).toBeNull()
  })

  it('keeps the names that contain every word of q, in any case, across pages', async () => {
    const { app } = start()
    await register(app, peerBody('p1', { files: NAMES.map((name) => ({ name, size: 1, sha256: sha('a') })) }))
    const expected = NAMES.filter((name) => /photo/i.test(name) && name.includes('holiday')).sort()
    expect(expected.length).toBeGreaterThan(10)
    expect((await walk('limit=4&q=HOLIDAY%20photo')).names).toEqual(expected)
    expect(await page('q=nothing-like-this')).toEqual({ files: [], next: null })
  })

  it('refuses a limit out of range or a cursor it did not give with CENTRAL_VALIDATION', async () => {
    const { app } = start()
    for (const query of ['limit=0', 'limit=1001', 'limit=ten', 'cursor=%21%21', `q=${'x'.repeat(201)}`]) {
      const response = await send(app, { method: 'GET', url: `/files?${query}`, signer: null })
      expect(response.statusCode, query).toBe(400)
      expect(response.json(), query).toMatchObject({ error: 'CENTRAL_VALIDATION' })
    }
  })
})

describe('GET /files/:name (locate)', () => {
  it('orders holders least loaded first: fewest transfers, then most free space, then peer id', async () => {
    const { app } = start()
    const held = [{ name: 'song.mp3', size: 4, sha256: sha('e') }]
    await register(app, peerBody('busy', { activeTransfers: 5, freeBytes: 999, files: held }))
    await register(app, peerBody('b-roomy', { activeTransfers: 1, freeBytes: 800, files: held }))
    await register(app, peerBody('a-tight', { activeTransfers: 1, freeBytes: 100, files: held }))
    await register(app, peerBody('c-tight', { activeTransfers: 1, freeBytes: 100, files: held }))
    await register(app, peerBody('idle', { activeTransfers: 0, freeBytes: 1, files: held }))

    const view = await locate('song.mp3')
    expect(view.holders.map((h) => h.peerId)).toEqual(['idle', 'b-roomy', 'a-tight', 'c-tight', 'busy'])
    expect(view.holders[0]).toEqual({ peerId: 'idle', grpcAddress: peerBody('idle').grpcAddress, freeBytes: 1, activeTransfers: 0 })

    // A heartbeat changes the load, and so the order.
    await heartbeat(app, 'busy', { freeBytes: 999, activeTransfers: 0 })
    expect((await locate('song.mp3')).holders.map((h) => h.peerId).slice(0, 2)).toEqual(['busy', 'idle'])
  })

  it('answers 404 CENTRAL_FILE_NOT_FOUND for an unknown name, CENTRAL_FILE_LOST once every holder is gone', async () => {
    const { app, clock } = start()
    const missing = await locateRequest(app, 'nothing.txt')
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toMatchObject({ statusCode: 404, error: 'CENTRAL_FILE_NOT_FOUND' })

    await register(app, peerBody('p1', { files: [{ name: 'soon-gone.txt', size: 1, sha256: sha('a') }] }))
    clock.advance(EXPIRES_AFTER_MS)
    expect((await locateRequest(app, 'soon-gone.txt')).json()).toMatchObject({ statusCode: 404, error: 'CENTRAL_FILE_LOST' })

    // A holder coming back brings the file back.
    await register(app, peerBody('p1', { files: [{ name: 'soon-gone.txt', size: 1, sha256: sha('a') }] }))
    expect((await locateRequest(app, 'soon-gone.txt')).statusCode).toBe(200)
  })

  it('finds names that need encoding, up to the longest allowed name', async () => {
    const { app } = start()
    const names = ['résumé 2026 (final).pdf', 'a%20b#c?.txt', 'é'.repeat(127)]
    await register(app, peerBody('p1', { files: names.map((name, i) => ({ name, size: i, sha256: sha('f') })) }))
    for (const name of names) expect((await locate(name)).name).toBe(name)
  })

  it('refuses a path as a name with CENTRAL_VALIDATION', async () => {
    const { app } = start()
    for (const url of ['/files/..%2Fx', '/files/a%5Cb', '/files/%00x', '/files/%EF%BC%8Fetc']) {
      const response = await send(app, { method: 'GET', url, signer: CLIENT_SIGNER })
      expect(response.statusCode, url).toBe(400)
      expect(response.json(), url).toMatchObject({ error: 'CENTRAL_VALIDATION' })
    }
  })
})
