// The whole network, end to end: real central, pservers, pclients and proxies as separate processes
// on loopback, driven only through their public HTTP ports.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FileView, PeerView } from '@p2p/proto'
import { downloadThroughPage, eventually, getJson, makeRandomFile, pieceTableDigestOfFile, sha256OfFile, startTestNetwork, storedPathOf, tmpDirOf, uploadThroughPage } from './helpers.js'
import type { TestNetwork } from './helpers.js'

const MiB = 1024 * 1024
const HEARTBEAT_MS = 300

let network: TestNetwork
let scratch: string

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'p2p-e2e-files-'))
  // Different capacities, so "the peer with the most free space" has one right answer: peer-2.
  const capacities: Record<number, string> = { 1: '8MiB', 2: '16MiB', 3: '4MiB' }
  // One copy per file, so where an upload lands stays checkable (copies: e2e/replication.test.ts).
  network = await startTestNetwork({ peers: 3, heartbeatIntervalMs: HEARTBEAT_MS, capacity: (i) => capacities[i] ?? '8MiB', replicationFactor: 1 })
})

afterAll(async () => {
  await network?.teardown()
  await rm(scratch, { recursive: true, force: true })
})

const peer = (n: number): TestNetwork['peers'][number] => network.peers[n - 1]!
const listFiles = async (): Promise<FileView[]> => (await getJson<{ files: FileView[] }>(`${network.central.url}/files`)).files
const listPeers = async (): Promise<PeerView[]> => (await getJson<{ peers: PeerView[] }>(`${network.central.url}/peers`)).peers

describe('the local network', () => {
  it('starts with every peer registered and the seed files listed on all of them', async () => {
    const peers = await listPeers()
    expect(peers.map((p) => p.peerId).sort()).toEqual(['peer-1', 'peer-2', 'peer-3'])
    const files = await listFiles()
    const welcome = files.find((f) => f.name === 'welcome.txt')
    expect(welcome?.holders.map((h) => h.peerId).sort()).toEqual(['peer-1', 'peer-2', 'peer-3'])
    expect(welcome?.sha256).toBe(await sha256OfFile(path.join(process.cwd(), 'files', 'welcome.txt')))
  })

  it('places an upload through peer 1 on the peer with the most free space, lists it, and serves it byte-identical through peer 2 and 3', async () => {
    const source = await makeRandomFile(scratch, 'upload.bin', 3 * MiB + 12_345)
    const response = await uploadThroughPage(peer(1).url, source.path, 'holiday video.bin')
    expect(response.status).toBe(201)
    expect(await response.json()).toEqual({ name: 'holiday video.bin', size: 3 * MiB + 12_345, sha256: source.sha256, peers: ['peer-2'], copies: 1, replicationFactor: 1, deleteToken: expect.stringMatching(/^[0-9a-f]{64}$/) })

    // Stored on peer 2's disk, complete, and nowhere else.
    const onDisk = await storedPathOf(peer(2).dataDir, 'holiday video.bin')
    expect(onDisk).not.toBeNull()
    expect((await stat(onDisk!)).size).toBe(3 * MiB + 12_345)
    expect(await sha256OfFile(onDisk!)).toBe(source.sha256)
    expect(await storedPathOf(peer(1).dataDir, 'holiday video.bin')).toBeNull()

    const listed = (await listFiles()).find((f) => f.name === 'holiday video.bin')
    expect(listed).toMatchObject({ size: 3 * MiB + 12_345, sha256: source.sha256 })
    // With it, the digest of its piece table, as the receiving pserver computed it from the bytes:
    // what lets a downloader trust the piece hashes a holder sends without hashing the whole file.
    expect(listed?.piecesSha256).toBe(await pieceTableDigestOfFile(source.path))
    expect(listed?.holders.map((h) => h.peerId)).toEqual(['peer-2'])

    for (const n of [2, 3]) {
      const download = await downloadThroughPage(peer(n).url, 'holiday video.bin')
      expect(download.response.status).toBe(200)
      expect(download.response.headers.get('content-length')).toBe(String(3 * MiB + 12_345))
      expect(download.response.headers.get('content-disposition')).toContain('attachment')
      expect(download.bytes).toBe(3 * MiB + 12_345)
      expect(download.sha256).toBe(source.sha256)
    }
  })

  it('uploads, lists and downloads a name with URL-special characters, and redirects a browser form back to the page', async () => {
    const name = 'a #1 ?%.txt'
    const source = await makeRandomFile(scratch, 'special.txt', 2000)
    const response = await uploadThroughPage(peer(3).url, source.path, name, 'text/html')
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toMatch(/^\/\?uploaded=/)

    const page = await (await fetch(`${peer(1).url}/`)).text()
    expect(page).toContain(`/download/${encodeURIComponent(name)}`)
    const download = await downloadThroughPage(peer(1).url, name)
    expect(download.response.status).toBe(200)
    expect(download.sha256).toBe(source.sha256)
  })

  it('answers 404 with a JSON error for a file nobody has', async () => {
    const response = await fetch(`${peer(2).url}/download/${encodeURIComponent('nobody-has-this.txt')}`)
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ statusCode: 404, error: 'PCLIENT_FILE_NOT_FOUND' })
  })

  it('refuses an upload that fits nowhere with 507, leaving no file behind on any peer', async () => {
    // What a refused upload could change: names, contents, who holds them (not the holders' load,
    // which their heartbeats update meanwhile, nor the order it sorts them in).
    const catalog = async (): Promise<unknown[]> => (await listFiles()).map((view) => ({
      name: view.name, size: view.size, sha256: view.sha256, holders: view.holders.map((holder) => holder.peerId).sort()
    }))
    const before = await catalog()
    const source = await makeRandomFile(scratch, 'too-big.bin', 20 * MiB)
    const response = await uploadThroughPage(peer(1).url, source.path, 'too-big.bin')
    expect(response.status).toBe(507)
    expect(await response.json()).toMatchObject({ statusCode: 507, error: 'PCLIENT_NO_ROOM' })

    expect(await catalog()).toEqual(before)
    for (const p of network.peers) {
      expect(await storedPathOf(p.dataDir, 'too-big.bin')).toBeNull()
      expect(await readdir(tmpDirOf(p.dataDir))).toEqual([])
    }
    // The peer that answered is still serving.
    expect((await fetch(`${peer(1).url}/health`)).status).toBe(200)
  })

  it('drops a peer that stops heartbeating, and takes it back when it returns', async () => {
    const frozen = peer(3).pserver.child
    frozen.kill('SIGSTOP')
    try {
      await eventually('peer-3 to expire', async () => {
        const ids = (await listPeers()).map((p) => p.peerId)
        return ids.includes('peer-3') ? undefined : ids
      })
      const welcome = (await listFiles()).find((f) => f.name === 'welcome.txt')
      expect(welcome?.holders.map((h) => h.peerId).sort()).toEqual(['peer-1', 'peer-2'])
    } finally {
      frozen.kill('SIGCONT')
    }
    // Its next heartbeat is answered "unknown peer", so it registers again with its full state.
    await eventually('peer-3 to re-register', async () => {
      const welcome = (await listFiles()).find((f) => f.name === 'welcome.txt')
      return welcome?.holders.some((h) => h.peerId === 'peer-3') === true ? true : undefined
    })
  })

  it('rebuilds the whole directory from the peers after the central restarts, with no user action', async () => {
    const before = await listFiles()
    expect(before.length).toBeGreaterThan(3)
    await network.central.restart()
    const after = await eventually('the directory to be rebuilt', async () => {
      // Peers first: a peer registers with all its files at once, so files read after it lists every
      // peer include every holding (read the other way round, a peer registering in between was missed).
      const peers = await listPeers()
      const files = await listFiles()
      return peers.length === 3 && files.length === before.length ? files : undefined
    })
    const summary = (files: FileView[]): unknown => files.map((f) => ({ name: f.name, sha256: f.sha256, size: f.size, holders: f.holders.map((h) => h.peerId).sort() }))
    expect(summary(after)).toEqual(summary(before))
  })
})
