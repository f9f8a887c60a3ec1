// Paged listings against a small scripted central that pages as the real one does (by name, `limit`
// entries after `cursor`, `q` keeping the names with every word): one page on request, or every page
// walked for the callers that need the whole list, and a walk that cannot run for ever.
import { afterEach, describe, expect, it } from 'vitest'
import { CentralRequestError, LIST_WALK_MAX_PAGES, createCentralClient } from '../../src/index.js'
import type { FileView, PeerView } from '../../src/index.js'
import { startScriptedCentral } from './scripted-central.js'
import type { Script, ScriptedCentral } from './scripted-central.js'

const SHA = 'cd'.repeat(32)
const file = (name: string): FileView => ({ name, size: 1, sha256: SHA, addedAt: '2026-01-01T00:00:00.000Z', holders: [], replicas: 0, status: 'lost' })
const peer = (peerId: string): PeerView => ({
  peerId, grpcAddress: '127.0.0.1:50051', capacityBytes: 10, freeBytes: 5, activeTransfers: 0, fileCount: 0,
  registeredAt: '2026-01-01T00:00:00.000Z', lastSeenAt: '2026-01-01T00:00:00.000Z'
})

/** Pages `entries` (sorted by `key`) like the central: the cursor is the last key of the page before. */
function pager<T> (entries: T[], key: (entry: T) => string, field: 'files' | 'peers'): Script {
  return (request) => {
    const url = new URL(request.url, 'http://central')
    const limit = Number(url.searchParams.get('limit') ?? '100')
    const after = url.searchParams.get('cursor')
    const words = (url.searchParams.get('q') ?? '').toLowerCase().split(/\s+/).filter((word) => word !== '')
    const rest = entries.filter((entry) => (after == null || key(entry) > after) && words.every((word) => key(entry).toLowerCase().includes(word)))
    const page = rest.slice(0, limit)
    return { status: 200, body: { [field]: page, next: rest.length > limit ? key(page.at(-1)!) : null } }
  }
}

describe('paged listings', () => {
  let central: ScriptedCentral | undefined
  afterEach(async () => { await central?.close() })

  it('listFilesPage asks for one page, passing limit, cursor and q, and gives the next cursor', async () => {
    const names = ['alpha.txt', 'Beta holiday.jpg', 'gamma holiday.mov', 'holiday notes.txt', 'zeta.bin'].sort()
    central = await startScriptedCentral(pager(names.map(file), (entry) => entry.name, 'files'))
    const client = createCentralClient({ baseUrl: central.url })
    const first = await client.listFilesPage({ limit: 2, q: ' HOLIDAY ' })
    expect(first.files.map((entry) => entry.name)).toEqual(['Beta holiday.jpg', 'gamma holiday.mov'])
    expect(first.next).toBe('gamma holiday.mov')
    const second = await client.listFilesPage({ limit: 2, q: 'holiday', cursor: first.next })
    expect(second).toEqual({ files: [file('holiday notes.txt')], next: null })
    // No query at all: the central's defaults.
    expect((await client.listFilesPage()).files).toHaveLength(5)
    expect(central.requests.map((request) => request.url)).toEqual([
      '/files?limit=2&q=HOLIDAY', '/files?limit=2&cursor=gamma+holiday.mov&q=holiday', '/files'
    ])
  })

  it('listFiles and listPeers walk every page, 1000 entries at a time, until next is null', async () => {
    const names = Array.from({ length: 2500 }, (_, i) => `file-${String(i).padStart(5, '0')}.bin`)
    central = await startScriptedCentral(pager(names.map(file), (entry) => entry.name, 'files'))
    const files = await createCentralClient({ baseUrl: central.url }).listFiles()
    expect(files.map((entry) => entry.name)).toEqual(names)
    expect(central.requests.map((request) => request.url)).toEqual([
      '/files?limit=1000', '/files?limit=1000&cursor=file-00999.bin', '/files?limit=1000&cursor=file-01999.bin'
    ])
    await central.close()

    const ids = Array.from({ length: 1001 }, (_, i) => `peer-${String(i).padStart(4, '0')}`)
    central = await startScriptedCentral(pager(ids.map(peer), (entry) => entry.peerId, 'peers'))
    const client = createCentralClient({ baseUrl: central.url })
    expect((await client.listPeers()).map((entry) => entry.peerId)).toEqual(ids)
    expect((await client.listPeersPage({ limit: 3, cursor: 'peer-0997' })).peers.map((entry) => entry.peerId)).toEqual(['peer-0998', 'peer-0999', 'peer-1000'])
  })

  it('reads an answer without next (a central from before paging) as the last page', async () => {
    central = await startScriptedCentral(() => ({ status: 200, body: { files: [file('a.txt')] } }))
    expect(await createCentralClient({ baseUrl: central.url }).listFiles()).toEqual([file('a.txt')])
  })

  it('stops a walk that would not end: the same cursor twice at once, an endless one after LIST_WALK_MAX_PAGES pages', async () => {
    central = await startScriptedCentral(() => ({ status: 200, body: { files: [], next: 'again' } }))
    await expect(createCentralClient({ baseUrl: central.url }).listFiles()).rejects.toMatchObject({ code: 'CENTRAL_BAD_RESPONSE' })
    expect(central.requests).toHaveLength(2)
    await central.close()

    let page = 0
    central = await startScriptedCentral(() => ({ status: 200, body: { peers: [], next: `page-${++page}` } }))
    const error = await createCentralClient({ baseUrl: central.url }).listPeers().catch((err: unknown) => err)
    expect(error).toBeInstanceOf(CentralRequestError)
    expect(error).toMatchObject({ statusCode: 502, code: 'CENTRAL_LIST_TOO_LONG' })
    expect(central.requests).toHaveLength(LIST_WALK_MAX_PAGES)
  })
})
