// A file deleted while downloads of it run, end to end with real processes. The one holder (peer 2)
// sends at most 4 MiB a second, so downloads of the 16 MiB file surely run for seconds when the delete
// comes. Each download either finishes byte-identical or fails clearly (its connection cut short of the
// file's size); it never ends looking complete with other bytes. Afterwards no copy is left or made:
// not by the holder, and not by the downloading peer, which keeps a copy of a finished download.
import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { FileView } from '@p2p/proto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, getJson, makeRandomFile, startTestNetwork, storedPathOf, uploadThroughPage } from './helpers.js'
import type { TestNetwork } from './helpers.js'

const MiB = 1024 * 1024
const FILE_BYTES = 16 * MiB
const HEARTBEAT_MS = 300
const NAME = 'deleted mid-download.bin'

let network: TestNetwork
let scratch: string

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'p2p-e2e-delete-download-'))
  // Peer 2 has the most room, so the upload lands there, and with one copy it alone serves it.
  network = await startTestNetwork({
    peers: 2,
    seedDir: null,
    replicationFactor: 1,
    heartbeatIntervalMs: HEARTBEAT_MS,
    capacity: (i) => (i === 2 ? '256MiB' : '64MiB'),
    sendRate: (i) => (i === 2 ? '4MiB' : null)
  })
}, 120_000)

afterAll(async () => {
  await network?.teardown()
  await rm(scratch, { recursive: true, force: true })
})

type Outcome = { kind: 'complete', bytes: number, sha256: string } | { kind: 'failed', bytes: number, reason: string }

/** A download through a page, started (its first bytes arrived); `rest` reads it to its end or its failure. */
async function startDownload (pageUrl: string): Promise<{ declaredBytes: number, rest: () => Promise<Outcome> }> {
  const response = await fetch(`${pageUrl}/download/${encodeURIComponent(NAME)}`)
  expect(response.status).toBe(200)
  const reader = response.body!.getReader()
  const hash = createHash('sha256')
  let bytes = 0
  const first = await reader.read()
  expect(first.done).toBe(false)
  hash.update(first.value!)
  bytes += first.value!.length
  return {
    declaredBytes: Number(response.headers.get('content-length')),
    rest: async () => {
      try {
        // Ends with the stream: at most FILE_BYTES bytes arrive.
        for (let chunk = await reader.read(); chunk.done !== true; chunk = await reader.read()) {
          hash.update(chunk.value)
          bytes += chunk.value.length
        }
      } catch (err) {
        return { kind: 'failed', bytes, reason: err instanceof Error ? `${err.message} ${String(err.cause ?? '')}` : String(err) }
      }
      return { kind: 'complete', bytes, sha256: hash.digest('hex') }
    }
  }
}

async function disksHolding (): Promise<string[]> {
  const found: string[] = []
  for (const peer of network.peers) if (await storedPathOf(peer.dataDir, NAME) != null) found.push(peer.id)
  return found
}

const listedNames = async (): Promise<string[]> => (await getJson<{ files: FileView[] }>(`${network.central.url}/files`)).files.map((file) => file.name)

describe('a file deleted while it is downloaded', () => {
  it('lets each running download finish byte-identical or fail clearly, never wrong bytes; no copy is left or made', async () => {
    const source = await makeRandomFile(scratch, 'source.bin', FILE_BYTES)
    const uploaded = await uploadThroughPage(network.peers[0]!.url, source.path, NAME)
    expect(uploaded.status).toBe(201)
    const { peers, deleteToken } = await uploaded.json() as { peers: string[], deleteToken: string }
    expect(peers).toEqual(['peer-2'])

    // One download through the other peer's page (its bytes come over the network), one through the holder's own.
    const downloads = await Promise.all(network.peers.map(async (peer) => await startDownload(peer.url)))
    for (const download of downloads) expect(download.declaredBytes).toBe(FILE_BYTES)

    const deleted = await fetch(`${network.peers[0]!.url}/files/${encodeURIComponent(NAME)}`, { method: 'DELETE', headers: { 'x-delete-token': deleteToken } })
    expect(deleted.status).toBe(200)
    const outcomes = await Promise.all(downloads.map(async (download) => await download.rest()))
    console.info(`downloads running at the delete: ${outcomes.map((outcome) => `${outcome.kind} after ${outcome.bytes} bytes`).join('; ')}`)
    for (const outcome of outcomes) {
      if (outcome.kind === 'complete') {
        expect(outcome.bytes).toBe(FILE_BYTES)
        expect(outcome.sha256).toBe(source.sha256)
      } else {
        // Cut short of the size the answer declared: no client can take it for the whole file.
        expect(outcome.bytes).toBeLessThan(FILE_BYTES)
      }
    }

    // A new download is a clear 410, and the name leaves every disk.
    expect((await fetch(`${network.peers[0]!.url}/download/${encodeURIComponent(NAME)}`)).status).toBe(410)
    await eventually(`'${NAME}' to leave every disk`, async () => (await disksHolding()).length === 0 ? true : undefined)
    // Several heartbeats later still nothing: a finished download's kept copy is never announced back.
    const settled = Date.now() + 6 * HEARTBEAT_MS
    await eventually('six heartbeats to pass', async () => Date.now() >= settled ? true : undefined)
    expect(await disksHolding()).toEqual([])
    expect(await listedNames()).not.toContain(NAME)
  })
})
