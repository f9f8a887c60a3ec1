// Deleting a shared file, end to end with real processes: gone from every listing at once and from every
// holder's disk within two heartbeats; a holder away during the delete deletes its copy when it comes
// back; no copy is made afterwards, even with a holder SIGKILLed right after the delete; a wrong, missing
// or old token changes nothing; the operator deletes without the file's token; the name can be shared
// again, and the old token does not touch the new file. Peer 1 (the user's machine) is too small to
// hold anything, so the two copies are on peers 2 and 3.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { operatorDeleteToken } from '@p2p/proto'
import type { FileView } from '@p2p/proto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, getJson, makeRandomFile, startTestNetwork, storedPathOf, uploadThroughPage } from './helpers.js'
import type { TestNetwork } from './helpers.js'

const HEARTBEAT_MS = 300
const KiB = 1024

let scratch: string
let network: TestNetwork
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'p2p-e2e-delete-'))
  network = await startTestNetwork({ peers: 3, heartbeatIntervalMs: HEARTBEAT_MS, seedDir: null, capacity: (i) => i === 1 ? '16KiB' : '64MiB' })
})
afterAll(async () => {
  await network?.teardown()
  await rm(scratch, { recursive: true, force: true })
})

const page = (): string => network.peers[0]!.url

async function listedNames (): Promise<string[]> {
  return (await getJson<{ files: FileView[] }>(`${network.central.url}/files`)).files.map((file) => file.name)
}

async function share (name: string, bytes: number): Promise<{ sha256: string, deleteToken: string }> {
  const source = await makeRandomFile(scratch, `${bytes}-${Math.random()}.bin`, bytes)
  const response = await uploadThroughPage(page(), source.path, name)
  expect(response.status).toBe(201)
  const body = await response.json() as { sha256: string, deleteToken: string }
  expect(body.sha256).toBe(source.sha256)
  expect(body.deleteToken).toMatch(/^[0-9a-f]{64}$/)
  await eventually(`'${name}' to have two copies`, async () => (await disksHolding(name)).length === 2 ? true : undefined, 30_000)
  return body
}

async function disksHolding (name: string): Promise<string[]> {
  const found: string[] = []
  for (const peer of network.peers) if (await storedPathOf(peer.dataDir, name) != null) found.push(peer.id)
  return found
}

async function deleteThroughPage (name: string, token?: string): Promise<Response> {
  return await fetch(`${page()}/files/${encodeURIComponent(name)}`, { method: 'DELETE', headers: token == null ? {} : { 'x-delete-token': token } })
}

describe('deleting a file', () => {
  it('refuses a wrong or missing token and changes nothing; the right one deletes it everywhere', async () => {
    const name = 'mistake.bin'
    const { sha256, deleteToken } = await share(name, 300 * KiB)
    for (const token of [undefined, 'f'.repeat(64), operatorDeleteToken('another secret, not this network\'s one!!')]) {
      const refused = await deleteThroughPage(name, token)
      expect(refused.status).toBe(403)
      expect((await refused.json() as { error: string }).error).toBe('PCLIENT_DELETE_FORBIDDEN')
    }
    expect(await listedNames()).toContain(name)
    expect(await disksHolding(name)).toHaveLength(2)

    const deleted = await deleteThroughPage(name, deleteToken)
    expect(deleted.status).toBe(200)
    expect(await deleted.json()).toMatchObject({ name, sha256, deletedAt: expect.any(String) })
    // Gone from the listing at once, and a download is a clear 410.
    expect(await listedNames()).not.toContain(name)
    const download = await fetch(`${page()}/download/${encodeURIComponent(name)}`)
    expect(download.status).toBe(410)
    expect((await download.json() as { error: string }).error).toBe('PCLIENT_FILE_DELETED')
    expect((await deleteThroughPage(name, deleteToken)).status).toBe(410)
    expect((await deleteThroughPage('never shared.bin', deleteToken)).status).toBe(404)
    const started = Date.now()
    await eventually(`'${name}' to leave every disk`, async () => (await disksHolding(name)).length === 0 ? true : undefined)
    console.info(`deleted from both holders' disks ${Date.now() - started} ms after the delete (heartbeat ${HEARTBEAT_MS} ms)`)
  })

  it('lets the name be shared again; the old token does not touch the new file', async () => {
    const name = 'shared twice.bin'
    const first = await share(name, 100 * KiB)
    expect((await deleteThroughPage(name, first.deleteToken)).status).toBe(200)
    await eventually('the old copies to go', async () => (await disksHolding(name)).length === 0 ? true : undefined)
    // The holders confirm their deletes with their next heartbeat; until then the name may still be placed nowhere.
    await eventually('the holders to confirm', async () => {
      const peers = (await getJson<{ peers: Array<{ fileCount: number }> }>(`${network.central.url}/peers`)).peers
      return peers.every((peer) => peer.fileCount === 0) ? true : undefined
    })
    const second = await share(name, 120 * KiB)
    expect(second.deleteToken).not.toBe(first.deleteToken)
    expect((await deleteThroughPage(name, first.deleteToken)).status).toBe(403)
    expect(await listedNames()).toContain(name)
    expect(await disksHolding(name)).toHaveLength(2)
  })

  it('has a holder away during the delete delete its copy when it comes back; the operator needs no file token', async () => {
    const name = 'away.bin'
    await share(name, 200 * KiB)
    const holders = await disksHolding(name)
    const away = network.peers.find((peer) => peer.id === holders[0])!
    await away.restartPserver('SIGTERM', async () => {
      const deleted = await deleteThroughPage(name, operatorDeleteToken(network.clusterSecret))
      expect(deleted.status).toBe(200)
      await eventually('the holder still up to delete its copy', async () => (await disksHolding(name)).length === 1 ? true : undefined)
    })
    await eventually('the returning holder to delete its copy', async () => (await disksHolding(name)).length === 0 ? true : undefined)
    expect(await listedNames()).not.toContain(name)
  })

  it('makes no copy after the delete, even when a holder is SIGKILLed right after it', async () => {
    const name = 'killed.bin'
    const { deleteToken } = await share(name, 200 * KiB)
    const holders = await disksHolding(name)
    expect((await deleteThroughPage(name, deleteToken)).status).toBe(200)
    await network.peers.find((peer) => peer.id === holders[0])!.restartPserver('SIGKILL')
    await eventually(`'${name}' to leave every disk`, async () => (await disksHolding(name)).length === 0 ? true : undefined)
    // Several heartbeats later still nothing: no copy order, no re-listing.
    const settled = Date.now() + 6 * HEARTBEAT_MS
    await eventually('six heartbeats to pass', async () => Date.now() >= settled ? true : undefined)
    expect(await disksHolding(name)).toEqual([])
    expect(await listedNames()).not.toContain(name)
  })
})
