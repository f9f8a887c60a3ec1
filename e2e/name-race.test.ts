// One name, one content, with real processes: ten different files uploaded at once under one name
// through one page, over three peers with equal free space (so every placement would pick another
// peer), give exactly one upload the name and 409 to the others before any byte reaches a peer; only
// the winner's bytes are ever stored or listed under the name, and killing a holder never switches
// the name to other bytes. Names with dots inside are names like any other.
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { FileView } from '@p2p/proto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { downloadThroughPage, eventually, getJson, makeRandomFile, startTestNetwork, uploadThroughPage } from './helpers.js'
import type { TestNetwork } from './helpers.js'

const MB = 1_000_000
const HEARTBEAT_MS = 400
const NAME = 'race.bin'
const UPLOADS = 10

let scratch: string
let network: TestNetwork
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'p2p-e2e-race-'))
  network = await startTestNetwork({ peers: 3, heartbeatIntervalMs: HEARTBEAT_MS, seedDir: null, capacity: () => '1GiB' })
})
afterAll(async () => {
  await network?.teardown()
  await rm(scratch, { recursive: true, force: true })
})

async function listed (): Promise<FileView | undefined> {
  return (await getJson<{ files: FileView[] }>(`${network.central.url}/files`)).files.find((file) => file.name === NAME)
}

/** The contents a peer stores (blob digests), read from its data folder. */
async function storedContents (dataDir: string): Promise<string[]> {
  return (await readdir(path.join(dataDir, 'blobs'))).filter((entry) => !entry.endsWith('.meta'))
}

describe('concurrent uploads of one name', () => {
  it('give the name to exactly one of them; the others get 409 and nothing of theirs is stored', async () => {
    const files = await Promise.all(Array.from({ length: UPLOADS }, async (_, i) => await makeRandomFile(scratch, `big${i}.bin`, 20 * MB)))
    const page = network.peers[0]!.url
    const answers = await Promise.all(files.map(async (file) => {
      const response = await uploadThroughPage(page, file.path, NAME)
      return { status: response.status, body: await response.json() as { sha256?: string, error?: string } }
    }))
    const statuses = answers.map((answer) => answer.status).sort()
    expect(statuses).toEqual([201, ...Array<number>(UPLOADS - 1).fill(409)])
    for (const loser of answers.filter((answer) => answer.status === 409)) expect(loser.body.error).toBe('PCLIENT_FILE_EXISTS')
    const winner = answers.find((answer) => answer.status === 201)?.body.sha256
    expect(files.map((file) => file.sha256)).toContain(winner)

    // The name is the winner's, on every holder once the second copy is made, and on no peer is
    // anything else stored: the losers' bytes never reached a peer.
    const view = await eventually('the second copy', async () => {
      const file = await listed()
      return file != null && file.replicas === 2 ? file : undefined
    }, 30_000)
    expect(view.sha256).toBe(winner)
    for (const peer of network.peers) {
      const stored = await storedContents(peer.dataDir)
      expect(stored.every((sha) => sha === winner), `${peer.id} stores ${stored.join(', ')}`).toBe(true)
    }

    // Kill a holder: the name is copied again from the survivor, and never stands for other bytes.
    const [victim] = view.holders
    const victimPeer = network.peers.find((peer) => peer.id === victim?.peerId)
    await victimPeer?.pserver.stop('SIGKILL')
    await eventually('the copy to be made again on the third peer', async () => {
      const file = await listed()
      expect(file?.sha256).toBe(winner)
      return file != null && file.replicas === 2 && !file.holders.some((holder) => holder.peerId === victim?.peerId) ? file : undefined
    }, 30_000)
    const download = await downloadThroughPage(page, NAME)
    expect(download.response.status).toBe(200)
    expect(download.sha256).toBe(winner)
  })
})

describe('names with dots inside', () => {
  it.each(['release..notes.txt', '...txt', '..%2Fx'])('are names, not paths: %j is stored and served back', async (name) => {
    const file = await makeRandomFile(scratch, 'dots.bin', 1000)
    const page = network.peers[1]!.url
    const response = await uploadThroughPage(page, file.path, name)
    expect(response.status).toBe(201)
    expect((await downloadThroughPage(page, name)).sha256).toBe(file.sha256)
  })
})
