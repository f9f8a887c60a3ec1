import { CentralRequestError } from '@p2p/proto'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp } from '../helpers/client-app.js'
import { HEALTH, SHA, file, peer } from '../helpers/page-fixtures.js'

const MiB = 1024 * 1024

describe('GET /', () => {
  let app: FastifyInstance | undefined
  afterEach(async () => { await app?.close() })

  it('renders the upload form, its own script and style, and a notice when the central is unreachable', async () => {
    app = await buildTestApp()
    const response = await app.inject({ method: 'GET', url: '/' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    expect(response.body).toContain('id="central-unreachable"')
    expect(response.body).toContain('<strong>Central directory offline</strong>')
    expect(response.body).toMatch(/<form id="upload-form" class="upload-form" method="post" action="\/upload_file\/" enctype="multipart\/form-data"/)
    expect(response.body).toContain('name="file"')
    expect(response.body).toContain('<label for="upload-file"')
    expect(response.body).toContain('<script type="module" src="/static/js/main.js"></script>')
    expect(response.body).toContain('<link rel="stylesheet" href="/static/css/app.css">')
    // Nothing from outside this client, and no inline script.
    expect(response.body).not.toMatch(/(src|href)="(https?:)?\/\//)
    expect(response.body).not.toMatch(/<script(?![^>]*\ssrc=)/)
    expect(response.headers['content-security-policy']).toContain("default-src 'self'")
  })

  it('lists every file with a correctly encoded download link, its size, when it was added, its copies and holders', async () => {
    app = await buildTestApp({
      peerName: 'peer-b',
      central: { listFiles: async () => [file('a #1 ?%.txt', 1536, ['peer-a', 'peer-b']), file('plain.bin', 10, ['peer-c'])] }
    })
    const response = await app.inject({ method: 'GET', url: '/?sort=name' })
    expect(response.statusCode).toBe(200)
    expect(response.body).not.toContain('id="central-unreachable"')
    expect(response.body).toContain('href="/download/a%20%231%20%3F%25.txt" download aria-label="Download a #1 ?%.txt (1.5 KiB)"')
    expect(response.body).toContain('href="/download/plain.bin"')
    expect(response.body).toContain('1.5 KiB')
    expect(response.body).toContain('<time datetime="2026-01-01T00:00:00.000Z"')
    expect(response.body).toContain(SHA.slice(0, 12))
    expect(response.body).toContain('<span class="copies">2</span>')
    expect(response.body).toContain('on peer-a, peer-b (this peer)')
    expect(response.body).toContain('few copies')
    expect(response.body.indexOf('a #1 ?%.txt')).toBeLessThan(response.body.indexOf('plain.bin'))
    expect(response.body).toContain('2 files')
  })

  it('marks a lost file unavailable and offers no download link for it', async () => {
    app = await buildTestApp({ central: { listFiles: async () => [file('gone.bin', 10, []), file('kept.bin', 10, ['peer-a'])] } })
    const response = await app.inject({ method: 'GET', url: '/' })
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('href="/download/kept.bin"')
    expect(response.body).not.toContain('href="/download/gone.bin"')
    const row = /<tr data-name="gone.bin"[\s\S]*?<\/tr>/.exec(response.body)?.[0]
    expect(row).toContain('unavailable')
    expect(row).toContain('no live copy')
    expect(row).toContain('aria-disabled="true"')
  })

  it('escapes file names and messages', async () => {
    app = await buildTestApp({ central: { listFiles: async () => [file('<img src=x onerror=alert(1)>.txt', 1, ['peer-a'])] } })
    const response = await app.inject({ method: 'GET', url: `/?uploaded=${encodeURIComponent('<svg onload=alert(1)>')}&peer=peer-a` })
    expect(response.body).not.toContain('<img src=x')
    expect(response.body).toContain('&lt;img src=x onerror=alert(1)&gt;.txt')
    expect(response.body).not.toContain('<svg onload')
    expect(response.body).toContain('Uploaded &lt;svg onload=alert(1)&gt; to peer-a')
    const filtered = await app.inject({ method: 'GET', url: `/?q=${encodeURIComponent('"><i>')}` })
    expect(filtered.body).not.toContain('"><i>')
    expect(filtered.body).toContain('value="&quot;&gt;&lt;i&gt;"')
  })

  it('shows the message a redirect carried, and an empty network as an invitation to share', async () => {
    app = await buildTestApp({ central: { listFiles: async () => [] } })
    const response = await app.inject({ method: 'GET', url: `/?uploaded=${encodeURIComponent('x.txt')}&peer=peer-a` })
    expect(response.body).toContain('role="status">Uploaded x.txt to peer-a<')
    // Only what an upload could have produced: no sentence of a link's choosing, no made-up error.
    const crafted = await app.inject({ method: 'GET', url: `/?uploaded=${encodeURIComponent('../x')}&peer=peer-a&message=Update%20now&error=Your%20files%20are%20gone` })
    expect(crafted.statusCode).toBe(200)
    expect(crafted.body).not.toContain('class="notice ok"')
    expect(crafted.body).not.toContain('Update now')
    expect(crafted.body).not.toContain('Your files are gone')
    expect(response.body).toContain('No files on the network yet.')
    expect(response.body).toContain('Share the first one')
  })

  it('filters and sorts as the URL asks, keeping both in the filter form', async () => {
    app = await buildTestApp({
      central: {
        // The network's count, 3 files, comes from the central's health: the list holds the matches only.
        health: async () => HEALTH,
        listFiles: async () => [
          file('small holiday.jpg', 10, ['p1'], '2026-01-03T00:00:00.000Z'),
          file('big holiday.mov', 9 * MiB, ['p1'], '2026-01-01T00:00:00.000Z'),
          file('notes.txt', 5, ['p1'], '2026-01-02T00:00:00.000Z')
        ]
      }
    })
    const response = await app.inject({ method: 'GET', url: '/?q=HOLIDAY&sort=size&order=asc' })
    expect(response.body).not.toContain('notes.txt')
    expect(response.body.indexOf('small holiday.jpg')).toBeLessThan(response.body.indexOf('big holiday.mov'))
    expect(response.body).toContain('2 of 3 files match “HOLIDAY”')
    expect(response.body).toContain('name="q" value="HOLIDAY"')
    expect(response.body).toContain('name="sort" value="size"')
    expect(response.body).toContain('aria-sort="ascending"')
    expect(response.body).toContain('href="/?q=HOLIDAY&amp;sort=size&amp;order=desc#files"')

    const none = await app.inject({ method: 'GET', url: '/?q=zzz' })
    expect(none.body).toContain('No file name contains “zzz”.')
    expect(none.body).toContain('href="/?sort=date&amp;order=desc#files" data-clear-filter>Show all files</a>')

    // An unknown order in a shared link still shows the page, in the default order.
    const odd = await app.inject({ method: 'GET', url: '/?sort=colour&order=up' })
    expect(odd.statusCode).toBe(200)
    expect(odd.body.indexOf('small holiday.jpg')).toBeLessThan(odd.body.indexOf('notes.txt'))
  })

  it('shows a long list a page at a time, by name, with a "More files" link carrying the central\'s cursor', async () => {
    const many = Array.from({ length: 150 }, (_, i) => file(`file-${String(i).padStart(3, '0')}.bin`, i + 1, ['peer-a', 'peer-b']))
    app = await buildTestApp({ central: { listFiles: async () => many, health: async () => ({ ...HEALTH, files: 149, lost: 1 }) } })
    const first = await app.inject({ method: 'GET', url: '/?sort=size&order=desc' })
    const rows = (body: string): string[] => [...body.matchAll(/<tr data-name="([^"]+)"/g)].map((match) => match[1]!)
    expect(rows(first.body)).toHaveLength(100)
    // Not the 100 biggest: the first 100 by name, as the central pages them, and the page says so.
    expect(rows(first.body)[0]).toBe('file-000.bin')
    expect(first.body).toContain('150 files')
    expect(first.body).toContain('Listed by name, 100 files at a time; sorting by size or date needs a list that fits on one page')
    expect(first.body).not.toContain('data-sort=')
    expect(first.body).toContain('<th scope="col" class="col-name" aria-sort="ascending">')
    const more = /<a class="button" href="([^"]+)" data-page="next">More files<\/a>/.exec(first.body)?.[1]?.replaceAll('&amp;', '&')
    expect(more).toBe('/?sort=size&order=desc&cursor=file-099.bin#files')

    const second = await app.inject({ method: 'GET', url: more!.replace('#files', '') })
    expect(rows(second.body)).toEqual(many.slice(100).map((entry) => entry.name))
    expect(second.body).not.toContain('data-page="next"')
    expect(second.body).toContain('href="/?sort=size&amp;order=desc#files" data-page="first">First page</a>')
    // The fragment the script refreshes keeps the page it was asked for.
    const fragment = await app.inject({ method: 'GET', url: '/fragments/files?cursor=file-099.bin' })
    expect(rows(fragment.body)).toHaveLength(50)
  })

  it('shows the first page for a cursor the central refuses, and a filtered list from the central\'s filter', async () => {
    const asked: Array<{ cursor?: string | null, q?: string }> = []
    app = await buildTestApp({
      central: {
        listFilesPage: async (query = {}) => {
          asked.push({ cursor: query.cursor, q: query.q })
          if (query.cursor === 'stale') throw new CentralRequestError(400, 'CENTRAL_VALIDATION', 'bad cursor')
          return { files: [file('holiday.jpg', 10, ['p1'])], next: null }
        }
      }
    })
    const response = await app.inject({ method: 'GET', url: '/?q=holiday&cursor=stale' })
    expect(response.statusCode).toBe(200)
    expect(response.body).not.toContain('id="central-unreachable"')
    expect(response.body).toContain('data-name="holiday.jpg"')
    expect(response.body).toContain('1 file matches “holiday”')
    expect(asked).toEqual([{ cursor: 'stale', q: 'holiday' }, { cursor: null, q: 'holiday' }])
  })

  it('shows every live peer with its address, space, files, transfers and last heartbeat, and the central status', async () => {
    app = await buildTestApp({
      peerName: 'peer-1',
      central: { listFiles: async () => [], health: async () => HEALTH, listPeers: async () => [peer('peer-1', 8 * MiB, 5 * MiB), peer('peer-2', 8 * MiB, 8 * MiB)] }
    })
    const response = await app.inject({ method: 'GET', url: '/' })
    expect(response.body).toContain('Central directory <strong>online</strong>')
    expect(response.body).toContain('keeps 2 copies of each file')
    expect(response.body).toContain('1 with fewer copies')
    expect(response.body).toContain('<tr data-peer="peer-1">')
    expect(response.body).toContain('<strong>peer-1</strong> <span class="badge">this peer</span>')
    expect(response.body).toContain('<code>10.0.0.1:65005</code>')
    expect(response.body).toContain(`<meter min="0" max="${8 * MiB}" value="${3 * MiB}"`)
    expect(response.body).toContain('3.0 MiB used of 8.0 MiB · 5.0 MiB free')
    expect(response.body).toContain('just now')
  })
})
