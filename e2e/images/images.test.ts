// The images, built and run for real. The repository's Dockerfile is built with podman (on a local
// stand-in for its node base image, since nothing can be pulled here), then the central machine's
// compose file and two peer machines' compose files run on this host under docker-compose, talking to
// podman's Docker-compatible socket: each machine a compose project of its own with its own .env,
// reaching the others only at this host's address and their published ports, as separate machines
// would. Through those ports a file goes up through peer 1 and comes back byte for byte through
// peer 2, and still does with peer 1's containers stopped. Everything is removed at the end, even
// on failure; images stay, as the cache of the next run. Needs root and podman (see podman.ts);
// outside CI it is skipped without them. `npm run test:images` runs it alone.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { downloadThroughPage, eventually, getJson, makeRandomFile, uploadThroughPage } from '../helpers.js'
import { CENTRAL_COMPOSE_FILE, PEER_COMPOSE_FILE, writeEnvFile } from '../deployment/compose-config.js'
import { assertRequirement, skipWithoutRequirement } from '../deployment/requirement.js'
import { composeMachine, projectLeftovers, removeLeftoverProjects } from './compose-machine.js'
import type { ComposeMachine } from './compose-machine.js'
import { checkHealthUntilStopped, processUsers } from './containers.js'
import type { HealthChecker } from './containers.js'
import { planDeployment } from './deployment-plan.js'
import type { DeploymentPlan } from './deployment-plan.js'
import { buildImages } from './image-set.js'
import { missingForImages, startPodmanService } from './podman.js'
import type { PodmanService } from './podman.js'
import { allowPublishedPortsAcrossNetworks } from './published-ports.js'
import type { PublishedPortsRule } from './published-ports.js'

const FILE_NAME = 'through-the-images.bin'
/** Six 1 MiB pieces and a ragged end. */
const FILE_BYTES = 6 * 1024 * 1024 + 12345
/** A file of files/, which every peer shares from its read-only seed mount. */
const SEED_FILE = 'welcome.txt'
/** Cold, the stand-in base images and every npm ci run; warm, podman's layer cache answers. */
const BUILD_TIMEOUT_MS = 30 * 60_000

interface FileView { name: string, holders: Array<{ peerId: string }> }

const missing = await missingForImages()

describe.skipIf(skipWithoutRequirement('the image tests', missing))('the images, built with podman and run by the compose files', () => {
  let root: string
  let plan: DeploymentPlan
  let podmanService: PodmanService | null = null
  let healthChecks: HealthChecker | null = null
  let publishedPorts: PublishedPortsRule | null = null
  const machines: ComposeMachine[] = []
  let failed = false

  const machine = (name: string): ComposeMachine => {
    const found = machines.find((candidate) => candidate.name === name)
    if (found == null) throw new Error(`machine ${name} did not start`)
    return found
  }
  const pageOf = (peer: number): string => `http://${plan.address}:${plan.peers[peer - 1]?.httpPort ?? 0}`
  const centralUrl = (): string => `http://${plan.address}:${plan.central.httpPort}`

  const startMachines = async (): Promise<void> => {
    root = await mkdtemp(path.join(os.tmpdir(), 'p2p-images-'))
    await removeLeftoverProjects()
    plan = await planDeployment(2)
    const envFiles = { central: path.join(root, 'central.env'), peers: plan.peers.map((peer) => path.join(root, `${peer.id}.env`)) }
    await writeEnvFile(envFiles.central, plan.central.env)
    for (const [i, peer] of plan.peers.entries()) await writeEnvFile(envFiles.peers[i] ?? '', peer.env)

    const built = await buildImages([CENTRAL_COMPOSE_FILE, envFiles.central], [PEER_COMPOSE_FILE, envFiles.peers[0] ?? ''])
    process.stderr.write(`images: ${built}\n`)

    const service = await startPodmanService()
    podmanService = service
    healthChecks = checkHealthUntilStopped(() => machines.map((each) => each.project))
    const add = (name: string, composeFile: string, envFile: string): ComposeMachine => {
      const made = composeMachine({ name, composeFile, envFile, dockerHost: service.dockerHost })
      machines.push(made)
      return made
    }
    // The central first: its replicas wait for Redis's health check, which the checker above runs.
    await add('central', CENTRAL_COMPOSE_FILE, envFiles.central).up()
    // Settled, not raced: a peer that fails to come up must not leave the other coming up during clean-up.
    const peersUp = await Promise.allSettled(plan.peers.map(async (peer, i) => { await add(peer.id, PEER_COMPOSE_FILE, envFiles.peers[i] ?? '').up() }))
    const failure = peersUp.find((result) => result.status === 'rejected')
    if (failure != null) throw failure.reason
    // Once every machine's network is up: netavark puts each new network's isolation rules first.
    publishedPorts = await allowPublishedPortsAcrossNetworks(plan.address)
    // Until then the peers could not reach the central; they keep retrying by themselves.
    await eventually('both peers registered with the central', async () => {
      const { peers } = await getJson<{ peers: Array<{ peerId: string }> }>(`${centralUrl()}/peers`)
      return peers.length === plan.peers.length ? peers : undefined
    }, 60_000, 500)
  }

  /** Removes every machine's containers, network and volumes, then stops podman's service; once. */
  let tornDown = false
  const tearDown = async (): Promise<void> => {
    if (tornDown) return
    tornDown = true
    await healthChecks?.stop()
    healthChecks = null
    const results = await Promise.allSettled(machines.map(async (each) => { await each.down() }))
    await publishedPorts?.remove()
    await podmanService?.stop()
    podmanService = null
    const failure = results.find((result) => result.status === 'rejected')
    if (failure != null) throw failure.reason
  }

  /** Keeps the containers' last log lines for a look after a failure (and the test's folder with them). */
  const keepLogs = async (test: string): Promise<void> => {
    failed = true
    if (tornDown || root == null) return
    const logs = path.join(root, `${test.replace(/\W+/g, '-').slice(0, 60)}.log`)
    await writeFile(logs, (await Promise.all(machines.map(async (each) => `== ${each.name}\n${await each.logs()}`))).join('\n'))
    process.stderr.write(`image test failed: the containers' last log lines are in ${logs}\n`)
  }

  beforeAll(async () => {
    assertRequirement(missing)
    await startMachines().catch(async (err: unknown) => {
      await keepLogs('start')
      throw err
    })
  }, BUILD_TIMEOUT_MS)

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await keepLogs(context.task.name)
  }, 60_000)

  afterAll(async () => {
    await tearDown()
    if (root != null && !failed) await rm(root, { recursive: true, force: true })
  }, 180_000)

  it('runs every service of every machine as a non-root user, and every one turns healthy', async () => {
    const services = async (name: string): Promise<string[]> => (await machine(name).containers()).map((container) => container.service)
    expect(await services('central')).toEqual(['central-1', 'central-2', 'proxy', 'redis'])
    for (const peer of plan.peers) expect(await services(peer.id)).toEqual(['pclient', 'proxy', 'pserver'])

    for (const each of machines) {
      const containers = await eventually(`every container of ${each.name} healthy`, async () => {
        const all = await each.containers()
        return all.every((container) => container.state === 'running' && container.health === 'healthy') ? all : undefined
      }, 180_000, 1000)
      for (const container of containers) {
        const users = await processUsers(container.id)
        expect(users.length, `${container.name} runs no process`).toBeGreaterThan(0)
        expect(users.filter((user) => user === 'root' || user === '0'), `${container.name} runs as ${users.join(', ')}`).toEqual([])
      }
    }
  }, 240_000)

  it('uploads through peer 1\'s published port and downloads the same bytes through peer 2\'s', async () => {
    const file = await makeRandomFile(root, 'upload.bin', FILE_BYTES)
    const uploaded = await uploadThroughPage(pageOf(1), file.path, FILE_NAME)
    expect(uploaded.status).toBe(201)
    expect(await uploaded.json()).toMatchObject({ name: FILE_NAME, size: FILE_BYTES, sha256: file.sha256 })

    const downloaded = await downloadThroughPage(pageOf(2), FILE_NAME)
    expect(downloaded.response.status).toBe(200)
    expect([downloaded.bytes, downloaded.sha256]).toEqual([FILE_BYTES, file.sha256])
  }, 120_000)

  it('keeps peer 1\'s files downloadable through peer 2 once peer 1\'s containers are stopped', async () => {
    // Peer 1 holds the upload (it has the most room), and the central has a copy made on peer 2.
    await eventually('peer 1 and peer 2 both holding the upload', async () => {
      const { files } = await getJson<{ files: FileView[] }>(`${centralUrl()}/files`)
      const holders = files.find((view) => view.name === FILE_NAME)?.holders.map((holder) => holder.peerId).sort() ?? []
      return holders.join() === 'peer-1,peer-2' ? holders : undefined
    }, 60_000, 500)
    const expected = await downloadThroughPage(pageOf(1), FILE_NAME)

    await machine('peer-1').stop()
    const stopped = await machine('peer-1').containers()
    expect(stopped.map((container) => [container.service, container.state, container.exitCode])).toEqual([
      ['pclient', 'exited', 0], ['proxy', 'exited', 0], ['pserver', 'exited', 0]
    ])
    await expect(fetch(pageOf(1), { signal: AbortSignal.timeout(5000) })).rejects.toThrow()

    const again = await downloadThroughPage(pageOf(2), FILE_NAME)
    expect(again.response.status).toBe(200)
    expect(again.sha256).toBe(expected.sha256)
    const seed = await downloadThroughPage(pageOf(2), SEED_FILE)
    expect(seed.response.status).toBe(200)
  }, 120_000)

  it('tears everything down, leaving no container, volume or network behind', async () => {
    await tearDown()
    for (const each of machines) expect(await projectLeftovers(each.project), each.project).toEqual([])
  }, 180_000)
})
