// Graceful drain on SIGTERM, end to end with real processes. Peer 1's pserver holds the one copy of a
// large file and sends at most 4 MiB a second, so a download of it surely runs for seconds; the test
// stops reading the download while it checks the drain, so the transfer cannot end meanwhile.
// - A pserver given SIGTERM mid-download leaves the central (GET /peers stops listing it) while still
//   running, refuses a new download (UNAVAILABLE, PEER_DRAINING), lets the running one finish
//   byte-identical, and only then exits, cleanly.
// - A peer's proxy and pclient given SIGTERM mid-download take no new connection and finish the
//   download in flight before they exit.
import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { status } from '@grpc/grpc-js'
import type { ServiceError } from '@grpc/grpc-js'
import { ERROR_CODE_METADATA_KEY } from '@p2p/proto'
import { createPeerFilesClient } from '@p2p/proto/grpc'
import type { PeerView } from '@p2p/proto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServiceProcess } from '../scripts/lib/service-process.js'
import { eventually, getJson, makeRandomFile, startTestNetwork, uploadThroughPage } from './helpers.js'
import type { TestNetwork } from './helpers.js'

const MiB = 1024 * 1024
const FILE_BYTES = 32 * MiB
const NAME = 'long download.bin'

let network: TestNetwork
let scratch: string
let source: { path: string, sha256: string }

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'p2p-e2e-drain-'))
  // Peer 1 has the most room, so the upload lands there; one copy, so peer 1 alone serves it.
  network = await startTestNetwork({
    peers: 3,
    seedDir: null,
    replicationFactor: 1,
    capacity: (i) => (i === 1 ? '256MiB' : '64MiB'),
    sendRate: (i) => (i === 1 ? '4MiB' : null),
    // Longer than any download here: the drain ends because the transfer ended, never by the clock.
    drainGraceMs: 60_000
  })
  source = await makeRandomFile(scratch, 'long.bin', FILE_BYTES)
  const uploaded = await uploadThroughPage(network.peers[0]!.url, source.path, NAME)
  expect(uploaded.status).toBe(201)
  expect((await uploaded.json() as { peers: string[] }).peers).toEqual(['peer-1'])
}, 120_000)

afterAll(async () => {
  await network?.teardown()
  await rm(scratch, { recursive: true, force: true })
})

/** A download through a page, started: its first bytes have arrived; the rest is read by finish(). */
async function startDownload (pageUrl: string): Promise<{ requestId: string, finish: () => Promise<{ bytes: number, sha256: string }> }> {
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
    requestId: response.headers.get('x-request-id') ?? '',
    finish: async () => {
      // Ends with the stream: at most FILE_BYTES bytes arrive.
      for (let chunk = await reader.read(); chunk.done !== true; chunk = await reader.read()) {
        hash.update(chunk.value)
        bytes += chunk.value.length
      }
      return { bytes, sha256: hash.digest('hex') }
    }
  }
}

const isRunning = (service: ServiceProcess): boolean => service.child.exitCode == null && service.child.signalCode == null

async function exitCodeOf (service: ServiceProcess): Promise<number | null> {
  await service.exited
  return service.child.exitCode
}

/** A new Download call straight to a pserver; resolves with how it was refused. */
async function refusalOfNewDownload (grpcAddress: string): Promise<{ code: number, peerCode: unknown }> {
  const client = createPeerFilesClient(grpcAddress)
  try {
    const call = client.Download({ name: NAME, offset: 0, length: 1 })
    const err = await new Promise<ServiceError>((resolve, reject) => {
      call.on('data', () => { reject(new Error('the draining pserver sent bytes for a new download')) })
      call.on('error', resolve)
    })
    return { code: err.code, peerCode: err.metadata.get(ERROR_CODE_METADATA_KEY)[0] }
  } finally {
    client.close()
  }
}

describe('graceful drain on SIGTERM', () => {
  it("a peer's proxy and pclient refuse new connections and finish the download in flight before exiting", async () => {
    const peer = network.peers[1]!
    const download = await startDownload(peer.url)
    peer.proxy.child.kill('SIGTERM')
    peer.pclient.child.kill('SIGTERM')
    await peer.proxy.waitForLog((line) => line.msg === 'draining: finishing the requests in flight')
    await peer.pclient.waitForLog((line) => line.msg === 'draining: finishing the requests in flight')

    await expect(fetch(`${peer.url}/health`)).rejects.toThrow()
    expect(isRunning(peer.proxy) && isRunning(peer.pclient)).toBe(true)

    expect(await download.finish()).toEqual({ bytes: FILE_BYTES, sha256: source.sha256 })
    expect(await exitCodeOf(peer.pclient)).toBe(0)
    expect(await exitCodeOf(peer.proxy)).toBe(0)
    await peer.proxy.waitForLog((line) => line.msg === 'drained: every request finished')
  })

  it('a pserver leaves the central, refuses new downloads, finishes the running one, then exits', async () => {
    const holder = network.peers[0]!
    const download = await startDownload(network.peers[2]!.url)
    holder.pserver.child.kill('SIGTERM')

    await eventually('the central to stop listing peer-1', async () => {
      const peers = (await getJson<{ peers: PeerView[] }>(`${network.central.url}/peers`)).peers.map((p) => p.peerId)
      return peers.includes('peer-1') ? undefined : peers
    })
    expect(isRunning(holder.pserver)).toBe(true)
    expect(await refusalOfNewDownload(holder.grpcAddress)).toEqual({ code: status.UNAVAILABLE, peerCode: 'PEER_DRAINING' })
    expect(isRunning(holder.pserver)).toBe(true)

    expect(await download.finish()).toEqual({ bytes: FILE_BYTES, sha256: source.sha256 })
    expect(await exitCodeOf(holder.pserver)).toBe(0)
    const drained = await holder.pserver.waitForLog((line) => line.msg === 'drained: every transfer finished')
    const left = await holder.pserver.waitForLog((line) => line.msg === 'left the central')
    const served = await holder.pserver.waitForLog((line) => line.msg === 'download served' && line.reqId === download.requestId)
    expect(Number(left.time)).toBeLessThanOrEqual(Number(served.time))
    expect(Number(served.time)).toBeLessThanOrEqual(Number(drained.time))
    const draining = await holder.pserver.waitForLog((line) => line.msg?.startsWith('draining') === true)
    console.info(`pserver drain: left the central ${Number(left.time) - Number(draining.time)} ms after SIGTERM, ` +
      `the running download ended ${Number(served.time) - Number(draining.time)} ms after it, exit after ${String(drained.waitedMs)} ms`)
  })
})
