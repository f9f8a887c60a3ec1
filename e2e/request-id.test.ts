// One request id follows a transfer across machines, end to end with real processes: the proxy a
// download enters by chooses the id and answers with it, and the same id is on the lines that the
// proxy, the pclient, the central machine's proxy, the central and the pserver that sent the bytes log
// for that download; an upload's id reaches the pserver that stored the file and the central it
// announced it to. An id a client sends is kept only where the proxy trusts it, and only if well formed.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LogLine, ServiceProcess } from '../scripts/lib/service-process.js'
import { downloadThroughPage, makeRandomFile, startTestNetwork, uploadThroughPage } from './helpers.js'
import type { TestNetwork } from './helpers.js'

const MiB = 1024 * 1024
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

let network: TestNetwork
let scratch: string

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'p2p-e2e-reqid-'))
  // Peer 2 has the most room, so uploads land there; one copy per file, so peer 2 alone sends it.
  network = await startTestNetwork({ peers: 2, seedDir: null, replicationFactor: 1, capacity: (i) => (i === 2 ? '64MiB' : '16MiB') })
})

afterAll(async () => {
  await network?.teardown()
  await rm(scratch, { recursive: true, force: true })
})

/** The first line `service` logged (or logs soon) under request id `id` that also matches `more`. */
async function lineWithId (service: ServiceProcess, id: string, more: (line: LogLine) => boolean = () => true): Promise<LogLine> {
  return await service.waitForLog((line) => line.reqId === id && more(line), 15_000)
}

describe('request ids across the network', () => {
  it('logs one download under one id at the proxy, the pclient, the central (and its proxy) and the pserver that sent it', async () => {
    const source = await makeRandomFile(scratch, 'traced.bin', 6 * MiB + 7)
    const uploaded = await uploadThroughPage(network.peers[0]!.url, source.path, 'traced.bin')
    expect(uploaded.status).toBe(201)
    expect((await uploaded.json() as { peers: string[] }).peers).toEqual(['peer-2'])

    // Downloaded through peer 1's page: the bytes come from peer 2's pserver.
    const download = await downloadThroughPage(network.peers[0]!.url, 'traced.bin')
    expect(download.response.status).toBe(200)
    expect(download.sha256).toBe(source.sha256)
    const id = download.response.headers.get('x-request-id') ?? ''
    expect(id).toMatch(UUID)

    const [peer1, peer2] = [network.peers[0]!, network.peers[1]!]
    expect(await lineWithId(peer1.proxy, id, (line) => line.msg === 'request completed')).toMatchObject({ statusCode: 200, url: '/download/traced.bin' })
    expect(await lineWithId(peer1.pclient, id, (line) => line.msg === 'download started')).toMatchObject({ file: 'traced.bin', sources: ['peer-2'] })
    expect(await lineWithId(network.central.proxy, id)).toMatchObject({ url: '/files/traced.bin' })
    expect(await lineWithId(network.central.server, id, (line) => line.msg === 'request completed')).toMatchObject({ res: { statusCode: 200 } })
    expect(await lineWithId(peer2.pserver, id, (line) => line.msg === 'download served')).toMatchObject({ file: 'traced.bin', offset: 0, length: 6 * MiB + 7 })
  })

  it("logs an upload under its id at the pserver that stored it and at the central it was placed and announced by", async () => {
    const source = await makeRandomFile(scratch, 'traced-up.bin', 1 * MiB)
    const uploaded = await uploadThroughPage(network.peers[0]!.url, source.path, 'traced-up.bin')
    expect(uploaded.status).toBe(201)
    const id = uploaded.headers.get('x-request-id') ?? ''
    expect(id).toMatch(UUID)

    expect(await lineWithId(network.peers[0]!.pclient, id, (line) => line.msg === 'uploaded')).toMatchObject({ file: 'traced-up.bin', peerId: 'peer-2' })
    expect(await lineWithId(network.peers[1]!.pserver, id, (line) => line.msg === 'file stored')).toMatchObject({ file: 'traced-up.bin', sha256: source.sha256 })
    const central = network.central.server
    expect(await lineWithId(central, id, (line) => line.msg === 'incoming request' && (line.req as { url?: string } | undefined)?.url === '/placements')).toBeDefined()
    expect(await lineWithId(central, id, (line) => line.msg === 'incoming request' && (line.req as { url?: string } | undefined)?.url === '/peers/peer-2/files')).toBeDefined()
  })

  it("replaces a client's id at a peer's proxy, and keeps a well-formed one at the central's proxy, which trusts its callers", async () => {
    const atPeer = await fetch(`${network.peers[0]!.url}/health`, { headers: { 'x-request-id': 'chosen-by-client' } })
    await atPeer.body?.cancel()
    expect(atPeer.headers.get('x-request-id')).toMatch(UUID)

    const kept = await fetch(`${network.central.url}/health`, { headers: { 'x-request-id': 'trace:peer-1.abc_42' } })
    await kept.body?.cancel()
    expect(kept.headers.get('x-request-id')).toBe('trace:peer-1.abc_42')
    expect(await lineWithId(network.central.server, 'trace:peer-1.abc_42')).toBeDefined()

    // Not of the allowed shape (a space, a brace): replaced before it reaches any log.
    const replaced = await fetch(`${network.central.url}/health`, { headers: { 'x-request-id': '{"level":60} x' } })
    await replaced.body?.cancel()
    expect(replaced.headers.get('x-request-id')).toMatch(UUID)
  })
})
