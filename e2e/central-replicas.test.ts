// Three central replicas over one Redis, with four peers: a file deleted through one replica is gone from
// all of them and from its holders' disks; placements made through all three at once never
// promise a peer more than its free space; after a peer's SIGKILL each missing copy is made exactly once;
// with Redis stopped every central answers a clear 503 and recovers by itself once it is back; and a
// Redis restarted empty is whole again from the peers' re-registrations within two heartbeat intervals.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { CentralRequestError, createCentralClient, deriveClusterKeys } from '@p2p/proto'
import type { CentralClient, FileView, PeerView } from '@p2p/proto'
import { describeWithRedis, startRedisServer } from '@p2p/test-support'
import type { TestRedisServer } from '@p2p/test-support'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { eventually, getJson, makeRandomFile, startTestNetwork, storedPathOf, uploadThroughPage } from './helpers.js'
import type { TestNetwork } from './helpers.js'

const MiB = 1024 * 1024
const HEARTBEAT_MS = 1000

describeWithRedis('three central replicas over one Redis', () => {
  let scratch: string
  let redis: TestRedisServer
  let network: TestNetwork
  /** One client per replica, each talking to that replica only, signed as a member. */
  let replicas: CentralClient[]

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'p2p-e2e-replicas-'))
    redis = await startRedisServer()
    network = await startTestNetwork({
      peers: 4, centrals: 3, redisUrl: redis.url, heartbeatIntervalMs: HEARTBEAT_MS, seedDir: null, capacity: () => '24MiB'
    })
    const signer = { id: 'pclient:e2e', key: deriveClusterKeys(network.clusterSecret).peerRequests }
    replicas = network.central.replicas.map((replica) => createCentralClient({ baseUrl: replica.process.url!, signer, timeoutMs: 10_000 }))
  }, 120_000)

  afterAll(async () => {
    await network?.teardown()
    await redis?.close()
    await rm(scratch, { recursive: true, force: true })
  })

  const listFiles = async (): Promise<FileView[]> => await replicas[0]!.listFiles()
  const listPeers = async (): Promise<PeerView[]> => (await getJson<{ peers: PeerView[] }>(`${network.central.url}/peers`)).peers

  it('answers from every replica, each naming itself and the Redis store', async () => {
    const answers = await Promise.all(replicas.map(async (client) => await client.health()))
    expect(answers.map((health) => health.store)).toEqual(['redis', 'redis', 'redis'])
    expect(new Set(answers.map((health) => health.replica)).size).toBe(3)
    expect(answers.every((health) => health.peers === 4)).toBe(true)
  })

  it('deletes a file through one replica: no replica lists or locates it, and every holder deletes its copy', async () => {
    const name = 'deleted over redis.bin'
    const source = await makeRandomFile(scratch, name, 100 * 1024)
    const uploaded = await uploadThroughPage(network.peers[0]!.url, source.path, name)
    expect(uploaded.status).toBe(201)
    const { deleteToken } = await uploaded.json() as { deleteToken: string }
    const holders = await eventually('two copies', async () => {
      const file = (await listFiles()).find((listed) => listed.name === name)
      return file?.holders.length === 2 ? file.holders.map((holder) => holder.peerId) : undefined
    }, 30_000)

    expect(await replicas[1]!.deleteFile(name, deleteToken)).toMatchObject({ name, sha256: source.sha256 })
    // The tombstone is in the shared store: every replica knows at once.
    for (const client of replicas) {
      expect((await client.listFiles()).map((file) => file.name)).not.toContain(name)
      expect(await client.locate(name).then(() => null, (err: unknown) => err)).toMatchObject({ statusCode: 410, code: 'CENTRAL_FILE_DELETED' })
    }
    // The delete orders are in Redis too, whichever replica a holder's heartbeat reaches.
    const holderDirs = network.peers.filter((peer) => holders.includes(peer.id)).map((peer) => peer.dataDir)
    await eventually('both holders to delete their copies', async () => {
      const onDisk = await Promise.all(holderDirs.map(async (dir) => await storedPathOf(dir, name)))
      return onDisk.every((stored) => stored == null) ? true : undefined
    }, 20_000)
    // The holders' heartbeats report the room back (the placements below start from every peer's free space).
    await eventually('every peer to report its room back', async () =>
      (await listPeers()).every((peer) => peer.fileCount === 0 && peer.freeBytes === peer.capacityBytes) ? true : undefined, 20_000)
  })

  it('never promises a peer more than its free space when 200 placements come through three replicas at once', async () => {
    const free = new Map((await listPeers()).map((peer) => [peer.peerId, peer.freeBytes]))
    const size = 1 * MiB
    const outcomes = await Promise.all(Array.from({ length: 200 }, async (_, i) => {
      try {
        return await replicas[i % 3]!.place({ name: `placement-${i}.bin`, size })
      } catch (err) {
        if (err instanceof CentralRequestError && err.code === 'CENTRAL_NO_ROOM') return null
        throw err
      }
    }))
    const placed = new Map<string, number>()
    for (const outcome of outcomes) if (outcome != null) placed.set(outcome.peerId, (placed.get(outcome.peerId) ?? 0) + size)
    // Each peer got at most what it had free, and the network as a whole was filled: the refusals were real.
    for (const [peerId, bytes] of placed) expect(bytes, peerId).toBeLessThanOrEqual(free.get(peerId)!)
    const room = [...free.values()].reduce((sum, bytes) => sum + Math.floor(bytes / size), 0)
    expect(room).toBeLessThan(200)
    console.info(`200 placements over 3 replicas: ${outcomes.filter((outcome) => outcome != null).length} placed (room for ${room}), per peer ${JSON.stringify(Object.fromEntries(placed))}`)
    expect(outcomes.filter((outcome) => outcome != null).length).toBeGreaterThan(0)
    expect(outcomes.filter((outcome) => outcome == null).length).toBeGreaterThanOrEqual(200 - room)
  })

  it('makes each missing copy exactly once after a peer is SIGKILLed', async () => {
    // The placements above hold their peers' room until the peers' heartbeats say no upload came
    // (UPLOAD_START_GRACE_MS), so the first uploads may find no room yet.
    const names = Array.from({ length: 6 }, (_, i) => `replicated-${i}.bin`)
    for (const [i, name] of names.entries()) {
      const source = await makeRandomFile(scratch, name, 64 * 1024 + i)
      await eventually(`room for ${name}`, async () => {
        const response = await uploadThroughPage(network.peers[i % 4]!.url, source.path, name)
        if (response.status !== 507) expect(response.status).toBe(201)
        return response.status === 201 ? response : undefined
      }, 30_000, 500)
    }
    const holdersOf = async (): Promise<Map<string, string[]>> =>
      new Map((await listFiles()).filter((file) => names.includes(file.name)).map((file) => [file.name, file.holders.map((holder) => holder.peerId)]))
    const before = await eventually('every file at two copies', async () => {
      const holders = await holdersOf()
      return names.every((name) => holders.get(name)?.length === 2) ? holders : undefined
    }, 30_000)

    const victim = network.peers.find((peer) => names.some((name) => before.get(name)!.includes(peer.id)))!
    await victim.stop('SIGKILL')
    const survivors = network.peers.filter((peer) => peer !== victim)
    await eventually('every file back at two live copies', async () => {
      const holders = await holdersOf()
      return names.every((name) => holders.get(name)?.length === 2 && !holders.get(name)!.includes(victim.id)) ? holders : undefined
    }, 45_000)
    // A few more heartbeats: a copy ordered twice would show up as a third copy on some disk.
    await new Promise((resolve) => setTimeout(resolve, 3 * HEARTBEAT_MS))
    for (const name of names) {
      const onDisk = await Promise.all(survivors.map(async (peer) => await storedPathOf(peer.dataDir, name)))
      expect(onDisk.filter((stored) => stored != null), name).toHaveLength(2)
    }
  })

  it('answers 503 CENTRAL_STORE_UNAVAILABLE from every replica while Redis is stopped, and recovers by itself', async () => {
    await redis.stop()
    try {
      for (const client of replicas) {
        const refused = await client.health().then(() => null, (err: unknown) => err)
        expect(refused).toBeInstanceOf(CentralRequestError)
        expect(refused).toMatchObject({ statusCode: 503, code: 'CENTRAL_STORE_UNAVAILABLE' })
      }
      // Through the central proxy too, as a JSON error a script can branch on.
      const response = await fetch(`${network.central.url}/files?limit=1`, { signal: AbortSignal.timeout(10_000) })
      expect(response.status).toBe(503)
      expect(await response.json()).toMatchObject({ error: 'CENTRAL_STORE_UNAVAILABLE', message: expect.any(String) })
    } finally {
      await redis.start()
    }
    await eventually('every replica to answer again', async () => {
      const answers = await Promise.all(replicas.map(async (client) => await client.health().catch(() => null)))
      return answers.every((health) => health?.status === 'ok') ? answers : undefined
    }, 20_000)
  })

  it('is whole again from the peers within two heartbeat intervals after Redis restarts empty', async () => {
    const summary = (files: FileView[]): string[] => files.map((file) => `${file.name} ${file.sha256} ${file.holders.map((holder) => holder.peerId).sort().join(',')}`).sort()
    // Redis was stopped above (it keeps nothing on disk here): wait for the peers to have filled it again.
    const before = summary(await eventually('the three live peers and their files to be listed again', async () => {
      const files = await listFiles().catch(() => [])
      const peers = await listPeers().catch(() => [])
      return peers.length === 3 && files.filter((file) => file.name.startsWith('replicated-') && file.replicas === 2).length === 6 ? files : undefined
    }, 30_000))
    await redis.restart({ empty: true })
    const restartedAt = Date.now()
    await eventually('the directory to be whole again', async () => {
      const files = await listFiles().catch(() => [])
      return files.length > 0 && summary(files).join('\n') === before.join('\n') ? files : undefined
    }, 30_000, 50)
    const tookMs = Date.now() - restartedAt
    console.info(`directory whole again ${tookMs} ms after Redis restarted empty (heartbeat ${HEARTBEAT_MS} ms)`)
    // Each peer learns at its next heartbeat that the central forgot it, and registers again at once.
    // (A loaded machine may add a heartbeat's worth of scheduling delay, hence the grace.)
    expect(tookMs).toBeLessThanOrEqual(2 * HEARTBEAT_MS + 1500)
    expect(await listPeers()).toHaveLength(3)
  })
})
