// No single point of loss, end to end with real processes: uploads reach the replication factor, a
// holder killed with SIGKILL is replaced from the survivors with no user action, a file whose every
// holder is gone is reported lost and answered with a clear 404; downloads take pieces from every
// holder, survive the SIGKILL of a holder mid-transfer and fetch a corrupted piece again elsewhere.
//
// In both networks peer 1 is too small to hold anything: it is the user's machine, its page the one
// used, and it never dies.
import { createHash } from 'node:crypto'
import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { PIECE_BYTES } from '@p2p/proto'
import type { FileView, ReplicationReport } from '@p2p/proto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, getJson, makeRandomFile, pieceTableDigestOfFile, sha256OfFile, startTestNetwork, storedPathOf, uploadThroughPage } from './helpers.js'
import type { TestNetwork } from './helpers.js'
import type { DownloadView } from '@p2p/pclient/download-view'

const MiB = 1024 * 1024
const HEARTBEAT_MS = 400

let scratch: string
beforeAll(async () => { scratch = await mkdtemp(path.join(os.tmpdir(), 'p2p-e2e-replication-')) })
afterAll(async () => { await rm(scratch, { recursive: true, force: true }) })

async function fileView (network: TestNetwork, name: string): Promise<FileView | undefined> {
  return (await getJson<{ files: FileView[] }>(`${network.central.url}/files`)).files.find((file) => file.name === name)
}

/** Waits until `name` has exactly `count` live holders, none of them in `excluding`; answers their ids. */
async function holdersReach (network: TestNetwork, name: string, count: number, excluding: string[] = [], timeoutMs = 30_000): Promise<string[]> {
  return await eventually(`'${name}' to have ${count} live copies`, async () => {
    const holders = (await fileView(network, name))?.holders.map((holder) => holder.peerId) ?? []
    return holders.length === count && !holders.some((id) => excluding.includes(id)) ? holders.sort() : undefined
  }, timeoutMs)
}

const peerById = (network: TestNetwork, id: string): TestNetwork['peers'][number] => {
  const found = network.peers.find((peer) => peer.id === id)
  if (found == null) throw new Error(`no peer ${id}`)
  return found
}

describe('replication', () => {
  let network: TestNetwork
  let source: { path: string, sha256: string }
  const name = 'only copy.bin'

  beforeAll(async () => {
    network = await startTestNetwork({
      peers: 4, heartbeatIntervalMs: HEARTBEAT_MS, seedDir: null, capacity: (i) => i === 1 ? '1MiB' : '64MiB'
    })
    source = await makeRandomFile(scratch, 'replicated.bin', 6 * MiB + 321)
  })
  afterAll(async () => { await network?.teardown() })

  it('copies an upload to a second peer, verified, with no user action', async () => {
    const response = await uploadThroughPage(network.peers[0]!.url, source.path, name)
    expect(response.status).toBe(201)
    const holders = await holdersReach(network, name, 2)
    for (const id of holders) {
      const stored = await storedPathOf(peerById(network, id).dataDir, name)
      expect(stored).not.toBeNull()
      expect(await sha256OfFile(stored!)).toBe(source.sha256)
    }
    expect(await fileView(network, name)).toMatchObject({ replicas: 2, status: 'ok' })
  })

  it('makes a new copy from the survivor after a holder is killed', async () => {
    const before = await holdersReach(network, name, 2)
    const victim = before[0]!
    await peerById(network, victim).stop('SIGKILL')
    const started = Date.now()
    const after = await holdersReach(network, name, 2, [victim])
    const newcomer = after.find((id) => !before.includes(id))!
    expect(newcomer).toBeDefined()
    expect(await sha256OfFile((await storedPathOf(peerById(network, newcomer).dataDir, name))!)).toBe(source.sha256)
    // Expiry takes three heartbeat intervals; the copy itself a few more at most.
    console.info(`back at 2 copies ${Date.now() - started} ms after the SIGKILL (heartbeat ${HEARTBEAT_MS} ms)`)
  })

  it('reports the file lost once every holder is gone, and a download is a clear 404', async () => {
    for (const id of await holdersReach(network, name, 2)) await peerById(network, id).stop('SIGKILL')
    const report = await eventually('the file to be reported lost', async () => {
      const replication = await getJson<ReplicationReport>(`${network.central.url}/replication`)
      return replication.lost.some((file) => file.name === name) ? replication : undefined
    })
    expect(report.lost).toEqual([{ name, size: 6 * MiB + 321, sha256: source.sha256, piecesSha256: await pieceTableDigestOfFile(source.path), addedAt: expect.any(String) }])
    expect(await getJson(`${network.central.url}/health`)).toMatchObject({ lost: 1 })

    // Every page still lists the file, marked lost, with no download link (the 1 MiB peer never held it).
    const page = network.peers[0]!.url
    const listed = (await getJson<{ files: FileView[] }>(`${page}/list_files/`)).files.find((file) => file.name === name)
    expect(listed).toMatchObject({ name, sha256: source.sha256, holders: [], replicas: 0, status: 'lost' })
    const html = await (await fetch(`${page}/`, { signal: AbortSignal.timeout(10_000) })).text()
    const row = new RegExp(`<tr data-name="${name}"[\\s\\S]*?</tr>`).exec(html)?.[0]
    expect(row).toContain('unavailable')
    expect(row).toContain('no live copy')
    expect(row).not.toContain('href="/download/')

    const response = await fetch(`${page}/download/${encodeURIComponent(name)}`, { signal: AbortSignal.timeout(10_000) })
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ error: 'PCLIENT_FILE_LOST', message: expect.stringContaining(name) })
  })
})

describe('multi-source download', () => {
  let network: TestNetwork
  let source: { path: string, sha256: string }
  const name = 'movie.bin'
  const size = 10 * PIECE_BYTES + 4321

  beforeAll(async () => {
    // Three holders, each sending at most 16 MiB/s: one holder alone would take about 2.5 s.
    network = await startTestNetwork({
      peers: 4,
      heartbeatIntervalMs: HEARTBEAT_MS,
      seedDir: null,
      capacity: (i) => i === 1 ? '1MiB' : '128MiB',
      replicationFactor: 3,
      sendRate: () => '16MiB',
      pieceTimeoutMs: 5_000
    })
    source = await makeRandomFile(scratch, 'movie.bin', size)
    expect((await uploadThroughPage(network.peers[0]!.url, source.path, name)).status).toBe(201)
    await holdersReach(network, name, 3, [], 60_000)
  })
  afterAll(async () => { await network?.teardown() })

  const downloads = async (): Promise<DownloadView[]> =>
    (await getJson<{ downloads: DownloadView[] }>(`${network.peers[0]!.url}/api/downloads`)).downloads

  /** Downloads through peer 1's page, calling `during` once the first bytes arrived; hashes as it goes. */
  async function download (during?: () => Promise<void>): Promise<{ status: number, sha256: string, bytes: number }> {
    const response = await fetch(`${network.peers[0]!.url}/download/${encodeURIComponent(name)}`)
    const hash = createHash('sha256')
    let bytes = 0
    let acted = during == null
    for await (const chunk of Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>)) {
      bytes += (chunk as Buffer).length
      hash.update(chunk as Buffer)
      if (!acted) {
        acted = true
        await during?.()
      }
    }
    return { status: response.status, sha256: hash.digest('hex'), bytes }
  }

  it('takes pieces from all three holders and delivers the file byte-identical', async () => {
    const result = await download()
    expect(result).toEqual({ status: 200, sha256: source.sha256, bytes: size })
    const [record] = await downloads()
    expect(record).toMatchObject({ name, state: 'done', bytesSent: size })
    expect(record?.sources.map((entry) => entry.peerId).sort()).toEqual(['peer-2', 'peer-3', 'peer-4'])
    for (const entry of record?.sources ?? []) expect(entry.pieces).toBeGreaterThan(0)
  })

  it('fetches a piece corrupted on one holder\'s disk again from another', async () => {
    const stored = (await storedPathOf(peerById(network, 'peer-2').dataDir, name))!
    const pristine = await readFile(stored)
    const handle = await open(stored, 'r+')
    try {
      // Every piece of peer 2's copy gets one flipped byte: whichever it serves is bad.
      for (let piece = 0; piece * PIECE_BYTES < size; piece++) {
        const offset = piece * PIECE_BYTES + 77
        await handle.write(Buffer.from([(pristine[offset] ?? 0) ^ 0xff]), 0, 1, offset)
      }
    } finally {
      await handle.close()
    }
    const result = await download()
    expect(result).toEqual({ status: 200, sha256: source.sha256, bytes: size })
    const [record] = await downloads()
    expect(record?.sources.find((entry) => entry.peerId === 'peer-2')).toMatchObject({ state: 'failed', reason: expect.stringMatching(/wrong SHA-256/) })
  })

  it('completes byte-identical when a holder serving the download is killed mid-transfer', async () => {
    let sentBeforeKill = -1
    const result = await download(async () => {
      const [record] = await downloads()
      sentBeforeKill = record?.bytesSent ?? -1
      // peer-2 is already dropped for its bad pieces: peer-3 is one of the two holders serving.
      await peerById(network, 'peer-3').stop('SIGKILL')
    })
    // The kill came in the middle of the transfer, and the user still got every byte right.
    expect(sentBeforeKill).toBeGreaterThan(0)
    expect(sentBeforeKill).toBeLessThan(size)
    expect(result).toEqual({ status: 200, sha256: source.sha256, bytes: size })
    expect((await downloads())[0]).toMatchObject({ state: 'done', bytesSent: size })
  })
})

describe('peers that keep what their users download', () => {
  let network: TestNetwork

  beforeAll(async () => {
    // One copy per file, so the only second copy is the one the downloading peer keeps.
    network = await startTestNetwork({
      peers: 3, heartbeatIntervalMs: HEARTBEAT_MS, seedDir: null, replicationFactor: 1, keepDownloads: true,
      capacity: (i) => i === 2 ? '64MiB' : '32MiB'
    })
  })
  afterAll(async () => { await network?.teardown() })

  it('keeps a verified copy on the downloading peer and announces it', async () => {
    const source = await makeRandomFile(scratch, 'kept.bin', 5 * MiB + 99)
    expect((await uploadThroughPage(network.peers[0]!.url, source.path, 'kept.bin')).status).toBe(201)
    expect(await holdersReach(network, 'kept.bin', 1)).toEqual(['peer-2'])

    const response = await fetch(`${network.peers[2]!.url}/download/kept.bin`)
    const hash = createHash('sha256')
    for await (const chunk of Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>)) hash.update(chunk as Buffer)
    expect(hash.digest('hex')).toBe(source.sha256)

    expect(await holdersReach(network, 'kept.bin', 2)).toEqual(['peer-2', 'peer-3'])
    expect(await sha256OfFile((await storedPathOf(peerById(network, 'peer-3').dataDir, 'kept.bin'))!)).toBe(source.sha256)
  })
})
