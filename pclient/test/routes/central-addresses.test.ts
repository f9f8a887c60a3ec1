// The web client with several central addresses, against real HTTP on loopback: the first address
// refuses connections, the second is a central that pages its file list (two files a page, whatever the
// limit asked: a central may answer fewer) and filters it. The page shows one page and links the next;
// /list_files/ walks every page for scripts.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { once } from 'node:events'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildClientApp } from '../../src/app.js'
import { closedPort } from '../helpers/closed-port.js'
import { HEALTH, file } from '../helpers/page-fixtures.js'

const NAMES = ['alpha.txt', 'beach holiday.jpg', 'holiday notes.txt', 'mountain holiday.mov', 'zeta.bin']
const PER_PAGE = 2

interface PagingCentral { url: string, asked: string[], close: () => Promise<void> }

async function startPagingCentral (): Promise<PagingCentral> {
  const asked: string[] = []
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://central')
    asked.push(req.url ?? '')
    let body: unknown = { statusCode: 404, error: 'CENTRAL_ROUTE_NOT_FOUND', message: 'no such route' }
    if (url.pathname === '/health') body = { ...HEALTH, files: NAMES.length }
    if (url.pathname === '/files') {
      const words = (url.searchParams.get('q') ?? '').toLowerCase().split(/\s+/).filter((word) => word !== '')
      const after = url.searchParams.get('cursor')
      const rest = NAMES.filter((name) => (after == null || name > after) && words.every((word) => name.includes(word)))
      const shown = rest.slice(0, Math.min(PER_PAGE, Number(url.searchParams.get('limit') ?? '100')))
      body = { files: shown.map((name) => file(name, 1, ['peer-1', 'peer-2'])), next: rest.length > shown.length ? shown.at(-1) : null }
    }
    res.writeHead('statusCode' in (body as object) ? 404 : 200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    asked,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  }
}

describe('with two central addresses, the first refusing connections', () => {
  let app: FastifyInstance | undefined
  let central: PagingCentral | undefined
  afterEach(async () => {
    await app?.close()
    await central?.close()
  })

  it('the page shows one filtered page from the second central and links the next; /list_files/ walks them all', async () => {
    central = await startPagingCentral()
    app = buildClientApp({
      config: { centralUrls: [`http://127.0.0.1:${await closedPort()}`, central.url], centralTimeoutMs: 1000, maxUploadBytes: 2 ** 30, peerName: 'peer-1', clusterSecret: 's'.repeat(64) }
    })
    await app.ready()
    const rows = (body: string): string[] => [...body.matchAll(/<tr data-name="([^"]+)"/g)].map((match) => match[1]!)

    const page = await app.inject({ method: 'GET', url: '/?q=holiday' })
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toContain('id="central-unreachable"')
    expect(rows(page.body)).toEqual(['beach holiday.jpg', 'holiday notes.txt'])
    expect(page.body).toContain('2+ files match “holiday”')
    expect(page.body).toContain('href="/?q=holiday&amp;sort=date&amp;order=desc&amp;cursor=holiday+notes.txt#files" data-page="next">More files</a>')
    const next = await app.inject({ method: 'GET', url: '/?q=holiday&sort=date&order=desc&cursor=holiday+notes.txt' })
    expect(rows(next.body)).toEqual(['mountain holiday.mov'])
    expect(next.body).toContain('1 more file matches “holiday”')

    const list = await app.inject({ method: 'GET', url: '/list_files/' })
    expect(list.statusCode).toBe(200)
    expect(list.json<{ files: Array<{ name: string }>, next: null }>().files.map((entry) => entry.name)).toEqual(NAMES)
    expect(central.asked.filter((url) => url.startsWith('/files'))).toEqual([
      '/files?limit=100&q=holiday', '/files?limit=100&cursor=holiday+notes.txt&q=holiday',
      '/files?limit=1000', '/files?limit=1000&cursor=beach+holiday.jpg', '/files?limit=1000&cursor=mountain+holiday.mov'
    ])
  })
})
