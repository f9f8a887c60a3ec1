// A central that accepts connections and then never answers (a stopped process: the kernel still
// accepts): the page answers at once with what this peer last knew and a notice, and the JSON routes
// answer 502 PCLIENT_CENTRAL_UNREACHABLE once the central client's timeout passes, not later.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { once } from 'node:events'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildClientApp } from '../../src/app.js'
import { HEALTH, file, peer } from '../helpers/page-fixtures.js'

const CENTRAL_TIMEOUT_MS = 1500

interface FakeCentral {
  url: string
  /** From now on, requests are accepted and never answered. */
  goSilent: () => void
  close: () => Promise<void>
}

/** A real HTTP central answering the page's three reads, until it goes silent. */
async function startFakeCentral (): Promise<FakeCentral> {
  let silent = false
  const answers: Record<string, unknown> = {
    '/files': { files: [file('kept-from-before.txt', 2048, ['peer-1', 'peer-2'])] },
    '/peers': { peers: [peer('peer-1', 1024 * 1024, 512 * 1024)] },
    '/health': HEALTH
  }
  const server = http.createServer((req, res) => {
    if (silent) return
    // By path: the page asks for a page of files (/files?limit=...).
    const answer = answers[new URL(req.url ?? '/', 'http://central').pathname]
    res.writeHead(answer == null ? 404 : 200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(answer ?? { statusCode: 404, error: 'CENTRAL_ROUTE_NOT_FOUND', message: 'no such route' }))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    goSilent: () => { silent = true },
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  }
}

async function timed<T> (run: () => Promise<T>): Promise<{ result: T, ms: number }> {
  const started = performance.now()
  const result = await run()
  return { result, ms: performance.now() - started }
}

describe('with a central that accepts connections and never answers', () => {
  let app: FastifyInstance | undefined
  let central: FakeCentral | undefined
  afterEach(async () => {
    await app?.close()
    await central?.close()
  })

  const build = async (url: string): Promise<FastifyInstance> => {
    const built = buildClientApp({
      config: { centralUrls: [url], centralTimeoutMs: CENTRAL_TIMEOUT_MS, maxUploadBytes: 2 ** 30, peerName: 'peer-1', clusterSecret: 's'.repeat(64) }
    })
    await built.ready()
    return built
  }

  it('GET / answers at once with the last file and peer lists and a notice; /list_files/ and /api/peers answer 502', async () => {
    central = await startFakeCentral()
    app = await build(central.url)
    const before = await app.inject({ method: 'GET', url: '/' })
    expect(before.body).toContain('kept-from-before.txt')
    expect(before.body).not.toContain('id="central-unreachable"')

    central.goSilent()
    // As after the moment reads are shared for (central-reads.ts): the next page asks the central again.
    app.invalidateCentralReads()
    const page = await timed(async () => await app!.inject({ method: 'GET', url: '/' }))
    expect(page.result.statusCode).toBe(200)
    expect(page.result.body).toContain('id="central-unreachable"')
    expect(page.result.body).toContain('<strong>Central directory unreachable</strong>')
    expect(page.result.body).toContain('as this peer last saw them')
    expect(page.result.body).toContain('data-name="kept-from-before.txt"')
    expect(page.result.body).toContain('<strong>Central directory offline</strong>')
    expect(page.result.body).toContain('<tr data-peer="peer-1">')
    // It did not wait for the central client's timeout.
    expect(page.ms).toBeLessThan(CENTRAL_TIMEOUT_MS)

    const list = await timed(async () => await app!.inject({ method: 'GET', url: '/list_files/' }))
    expect(list.result.statusCode).toBe(502)
    expect(list.result.json()).toMatchObject({ statusCode: 502, error: 'PCLIENT_CENTRAL_UNREACHABLE' })
    expect(list.result.json<{ message: string }>().message).toContain(`did not answer within ${CENTRAL_TIMEOUT_MS} ms`)
    // The central client's timeout, not the 10 s it used to be (the bound is loose: a shared machine).
    expect(list.ms).toBeLessThan(CENTRAL_TIMEOUT_MS + 2000)

    const peers = await app.inject({ method: 'GET', url: '/api/peers' })
    expect(peers.statusCode).toBe(502)
    expect(peers.json()).toMatchObject({ error: 'PCLIENT_CENTRAL_UNREACHABLE' })

    // Known to be down now: the page and the parts its script refreshes say so at once.
    const again = await timed(async () => await app!.inject({ method: 'GET', url: '/fragments/files' }))
    expect(again.result.statusCode).toBe(200)
    expect(again.result.body).toContain('id="central-unreachable"')
    expect(again.result.body).toContain('data-name="kept-from-before.txt"')
    expect(again.result.body).toContain(`did not answer within ${CENTRAL_TIMEOUT_MS} ms`)
    expect(again.ms).toBeLessThan(CENTRAL_TIMEOUT_MS)
    const network = await app.inject({ method: 'GET', url: '/fragments/network' })
    expect(network.body).toContain('<strong>Central directory offline</strong>')
    expect(network.body).toContain('<tr data-peer="peer-1">')
  })

  it('GET / answers with an empty list and the notice when the central never answered', async () => {
    central = await startFakeCentral()
    central.goSilent()
    app = await build(central.url)
    const page = await timed(async () => await app!.inject({ method: 'GET', url: '/' }))
    expect(page.result.statusCode).toBe(200)
    expect(page.result.body).toContain('id="central-unreachable"')
    expect(page.result.body).toContain('has not received the file list yet')
    expect(page.result.body).not.toContain('data-name=')
    // Not the invitation to share the first file: nobody knows whether the network is empty.
    expect(page.result.body).not.toContain('No files on the network yet.')
    expect(page.ms).toBeLessThan(CENTRAL_TIMEOUT_MS)
  })
})
