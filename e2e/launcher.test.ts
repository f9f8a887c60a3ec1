// The launcher itself (`npm start`, scripts/start-network.ts), run as a person runs it: one process
// that starts the central and three peers, on ports the OS picks, with its data in a temp folder. A
// local network stands for several machines, so one service dying must not stop the others: a holder's
// pserver killed in the middle of a download is reported, the download completes from the other
// holder, everything else keeps answering, and `restart` brings the pserver back (it registers
// again). The same for the central. Ctrl-C stops it all and leaves no process behind. With
// --centrals 3: a redis-server, three replicas over it and the central proxy, one replica SIGKILLed
// without the pages noticing, Redis itself killed and restarted on request, and a clear error when
// redis-server is not installed.
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import type { FileView, PeerView } from '@p2p/proto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NetworkState } from '../scripts/lib/network-state.js'
import type { DownloadView } from '@p2p/pclient/download-view'
import { downloadThroughPage, eventually, getJson, makeRandomFile, uploadThroughPage } from './helpers.js'
import { isAlive, pidOf, spawnLauncher, startLauncher, stopLeftovers, waitForOutput } from './launcher-driver.js'
import type { Launcher } from './launcher-driver.js'

const MiB = 1024 * 1024
const SIZE = 96 * MiB + 4321

const peerIds = async (centralUrl: string): Promise<string[]> =>
  (await getJson<{ peers: PeerView[] }>(`${centralUrl}/peers`)).peers.map((peer) => peer.peerId).sort()

describe('the launcher, when one machine of the local network dies', () => {
  let root: string
  let launcher: Launcher | undefined
  let state: NetworkState
  const name = 'film.bin'
  let sha256: string
  let holders: string[]
  let victim: string

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'p2p-e2e-launcher-'))
    // Each pserver sends at most 32 MiB/s, so the download lasts long enough to kill a holder mid-way.
    launcher = await startLauncher(path.join(root, 'network'), ['--peers', '3', '--send-rate', '32MiB'])
    state = await launcher.state()
  })

  afterAll(async () => {
    await stopLeftovers(launcher)
    await rm(root, { recursive: true, force: true })
  })

  const pageOf = (id: string): string => state.peers.find((peer) => peer.id === id)!.url

  it('stores an upload on two holders', async () => {
    const source = await makeRandomFile(root, 'source.bin', SIZE)
    sha256 = source.sha256
    const response = await uploadThroughPage(state.peers[0]!.url, source.path, name)
    expect(response.status).toBe(201)
    await rm(source.path)
    holders = await eventually('two holders', async () => {
      const file = (await getJson<{ files: FileView[] }>(`${state.central.url}/files`)).files.find((entry) => entry.name === name)
      return file?.holders.length === 2 ? file.holders.map((holder) => holder.peerId).sort() : undefined
    }, 30_000)
  })

  it('keeps every other service running when a holder\'s pserver is killed mid-download, and the download completes', async () => {
    let victimPid = -1
    const downloader = state.peers.find((peer) => !holders.includes(peer.id))!
    const response = await fetch(`${downloader.url}/download/${encodeURIComponent(name)}`)
    expect(response.status).toBe(200)
    const hash = createHash('sha256')
    let bytes = 0
    let sentBeforeKill = -1
    for await (const chunk of Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>)) {
      bytes += (chunk as Buffer).length
      hash.update(chunk as Buffer)
      if (sentBeforeKill < 0) {
        // The holder the download streams from (the first to deliver) is the one killed.
        const [record] = (await getJson<{ downloads: DownloadView[] }>(`${downloader.url}/api/downloads`)).downloads
        sentBeforeKill = record?.bytesSent ?? 0
        victim = record?.sources.find((source) => source.bytes > 0)?.peerId ?? holders[0]!
        victimPid = await pidOf(launcher!, `${victim} pserver`)
        process.kill(victimPid, 'SIGKILL')
      }
    }
    expect(sentBeforeKill).toBeLessThan(SIZE)
    expect(bytes).toBe(SIZE)
    expect(hash.digest('hex')).toBe(sha256)
    // The killed pserver was one of the download's sources, and was dropped from it.
    const [record] = (await getJson<{ downloads: DownloadView[] }>(`${downloader.url}/api/downloads`)).downloads
    expect(record).toMatchObject({ name, state: 'done', bytesSent: SIZE })
    expect(record?.sources.find((source) => source.peerId === victim)).toMatchObject({ state: 'failed' })

    // The launcher said which service of which machine died and how, and how to bring it back.
    await waitForOutput(launcher!, `${victim} pserver (machine ${victim}, pid ${victimPid}) died: killed by SIGKILL`)
    expect(launcher!.output()).toContain(`restart ${victim} pserver`)
    expect(launcher!.output()).not.toContain('stopping the network')
    expect(launcher!.child.exitCode).toBeNull()

    // Everything else still answers, the dead pserver's own page included.
    expect((await fetch(`${state.central.url}/health`)).status).toBe(200)
    for (const peer of state.peers) expect((await fetch(`${peer.url}/health`)).status).toBe(200)
    const services = (await launcher!.state()).services
    expect(services.filter((service) => service.state !== 'running').map((service) => service.label)).toEqual([`${victim} pserver`])
    for (const service of services.filter((entry) => entry.state === 'running')) expect(isAlive(service.pid!)).toBe(true)
  })

  it('brings the pserver back on request, on its port and data folder, and it registers again', async () => {
    // First the central forgets it (three missed heartbeats), so its return is visible.
    await eventually(`the central to forget ${victim}`, async () => (await peerIds(state.central.url)).includes(victim) ? undefined : true)
    launcher!.send(`restart ${victim} pserver`)
    await waitForOutput(launcher!, `${victim} pserver registered with the central again`)
    expect(await peerIds(state.central.url)).toEqual(['peer-1', 'peer-2', 'peer-3'])
    const back = (await launcher!.state()).services.find((service) => service.label === `${victim} pserver`)!
    expect(back).toMatchObject({ state: 'running', restarts: 1, address: state.peers.find((peer) => peer.id === victim)!.grpcAddress })
    // It kept its data folder: it announces the file again.
    await eventually(`${victim} to hold ${name} again`, async () => {
      const file = (await getJson<{ files: FileView[] }>(`${state.central.url}/files`)).files.find((entry) => entry.name === name)
      return file?.holders.some((holder) => holder.peerId === victim) === true ? true : undefined
    })
  })

  it('reports a dead central the same way; the peers keep running and register again once it is back', async () => {
    const centralPid = await pidOf(launcher!, 'central-server')
    process.kill(centralPid, 'SIGKILL')
    await waitForOutput(launcher!, `central-server (the central machine, pid ${centralPid}) died: killed by SIGKILL`)
    for (const peer of state.peers) expect((await fetch(`${peer.url}/health`)).status).toBe(200)
    launcher!.send('restart central')
    await waitForOutput(launcher!, /central-server is back/)
    await eventually('every peer to register again', async () => {
      const ids = await peerIds(state.central.url)
      return ids.length === 3 ? ids : undefined
    })
    launcher!.send('status')
    await waitForOutput(launcher!, 'The central lists 3 peers: peer-1, peer-2, peer-3.')
  })

  it('stops everything on SIGINT and exits 0, leaving no service running', async () => {
    await launcher!.state()
    launcher!.child.kill('SIGINT')
    const [code] = await launcher!.exited
    expect(code).toBe(0)
    expect([...launcher!.pidsSeen].filter(isAlive)).toEqual([])
  })
})

describe('the launcher with --restart', () => {
  let root: string
  let launcher: Launcher | undefined

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'p2p-e2e-launcher-'))
    launcher = await startLauncher(path.join(root, 'network'), ['--peers', '1', '--restart'])
  })

  afterAll(async () => {
    await stopLeftovers(launcher)
    await rm(root, { recursive: true, force: true })
  })

  it('restarts a dead pserver by itself, and it registers again', async () => {
    const pid = await pidOf(launcher!, 'peer-1 pserver')
    process.kill(pid, 'SIGKILL')
    await waitForOutput(launcher!, /peer-1 pserver \(machine peer-1, pid \d+\) died: killed by SIGKILL[\s\S]*Restarting it in 1 s \(attempt 1 of 5\)/)
    await waitForOutput(launcher!, 'peer-1 pserver registered with the central again')
    const back = (await launcher!.state()).services.find((service) => service.label === 'peer-1 pserver')!
    expect(back).toMatchObject({ state: 'running', restarts: 1 })
    expect(back.pid).not.toBe(pid)

    launcher!.child.kill('SIGINT')
    const [code] = await launcher!.exited
    expect(code).toBe(0)
    expect([...launcher!.pidsSeen].filter(isAlive)).toEqual([])
  })
})

/** A process's environment, as the kernel shows it (Linux). */
async function environmentOf (pid: number): Promise<Record<string, string>> {
  const raw = await readFile(`/proc/${pid}/environ`, 'utf8')
  return Object.fromEntries(raw.split('\0').filter((entry) => entry !== '').map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]))
}

/** Redis's answer to PING, over a plain socket. */
async function pingRedis (url: string): Promise<string> {
  const { hostname, port } = new URL(url)
  const socket = net.connect({ host: hostname, port: Number(port) })
  socket.setEncoding('utf8')
  socket.write('PING\r\nQUIT\r\n')
  let answer = ''
  for await (const chunk of socket) answer += chunk as string
  return answer.split('\r\n')[0] ?? ''
}

describe('the launcher with --centrals 3', () => {
  let root: string
  let launcher: Launcher | undefined
  let state: NetworkState
  const replicas = ['central-1', 'central-2', 'central-3']
  // The launcher's own redis-server, whatever the test's environment says.
  const { REDIS_URL: _ignored, ...env } = process.env

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'p2p-e2e-launcher-'))
    launcher = await startLauncher(path.join(root, 'network'), ['--peers', '2', '--centrals', '3'], { env, upWithinMs: 80_000 })
    state = await launcher.state()
  }, 90_000)

  afterAll(async () => {
    await stopLeftovers(launcher)
    await rm(root, { recursive: true, force: true })
  })

  it('starts a redis-server with its files under the data folder, three replicas over it and the central proxy', async () => {
    const central = state.services.filter((service) => service.machine === 'central')
    expect(central.map((service) => [service.label, service.state])).toEqual([
      ['redis-server', 'running'], ...replicas.map((id) => [id, 'running']), ['central proxy', 'running']
    ])
    for (const service of central) expect(isAlive(service.pid!), service.label).toBe(true)
    expect(state.central).toMatchObject({ store: 'redis', redis: { dataDir: path.join(root, 'network', 'redis') } })
    expect(state.central.replicas.map((replica) => replica.id)).toEqual(replicas)
    const redisUrl = state.central.redis!.url
    expect(redisUrl).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/)
    expect(await pingRedis(redisUrl)).toBe('+PONG')
    expect(await readdir(path.join(root, 'network', 'redis'))).toContain('appendonlydir')

    // Each replica is told to keep its directory in that Redis, under its own id; the proxy spreads over all three.
    for (const id of replicas) {
      expect(await environmentOf(await pidOf(launcher!, id))).toMatchObject({ DIRECTORY_STORE: 'redis', REDIS_URL: redisUrl, REPLICA_ID: id })
    }
    const proxyEnv = await environmentOf(await pidOf(launcher!, 'central proxy'))
    expect(proxyEnv.UPSTREAM_URLS?.split(',')).toEqual(state.central.replicas.map((replica) => replica.url))
    expect(proxyEnv.UPSTREAM_URL).toBeUndefined()

    launcher!.send('status')
    await waitForOutput(launcher!, /redis-server\s+running[\s\S]*central-3\s+running/)
  })

  it('has each replica say on GET /health that it keeps the directory in Redis, and which replica it is', async () => {
    for (const replica of state.central.replicas) {
      expect(await getJson<{ store?: string, replica?: string }>(`${replica.url}/health`)).toMatchObject({ store: 'redis', replica: replica.id })
    }
  })

  it('keeps uploads and downloads through the peers\' pages working while a replica is SIGKILLed, and restarts it on request', async () => {
    const victimPid = await pidOf(launcher!, 'central-2')
    process.kill(victimPid, 'SIGKILL')
    await waitForOutput(launcher!, `central-2 (the central machine, pid ${victimPid}) died: killed by SIGKILL`)
    expect(launcher!.output()).toContain('The other 2 replicas answer in its place')

    // Enough requests that the proxy would have sent some to the dead replica.
    const [uploader, downloader] = state.peers as [NetworkState['peers'][number], NetworkState['peers'][number]]
    for (let i = 1; i <= 4; i++) {
      const source = await makeRandomFile(root, `replica-down-${i}.bin`, 2 * MiB + i)
      expect((await uploadThroughPage(uploader.url, source.path, `replica-down-${i}.bin`)).status).toBe(201)
      const got = await downloadThroughPage(downloader.url, `replica-down-${i}.bin`)
      expect(got.response.status).toBe(200)
      expect(got.sha256).toBe(source.sha256)
    }

    launcher!.send('restart central-2')
    await waitForOutput(launcher!, /central-2 is back \(pid \d+, http:\/\/127\.0\.0\.1:\d+\)\. The central proxy sends it requests again\./)
    const back = state.central.replicas.find((replica) => replica.id === 'central-2')!
    expect((await fetch(`${back.url}/health`)).status).toBe(200)
  })

  it('reports a dead redis-server and starts it again on request, on its port and data folder', async () => {
    const redisPid = await pidOf(launcher!, 'redis-server')
    process.kill(redisPid, 'SIGKILL')
    await waitForOutput(launcher!, `redis-server (the central machine, pid ${redisPid}) died: killed by SIGKILL`)
    expect(launcher!.output()).toContain('Every central answers 503 CENTRAL_STORE_UNAVAILABLE until Redis is back')
    launcher!.send('restart redis-server')
    await waitForOutput(launcher!, /redis-server is back \(pid \d+, redis:\/\/127\.0\.0\.1:\d+\)\. It reloaded its append-only file/)
    expect(await pingRedis(state.central.redis!.url)).toBe('+PONG')
    // The replicas reconnect by themselves (with issue 13's central: until then they never left memory).
    await eventually('the central to answer again', async () => (await fetch(`${state.central.url}/health`)).status === 200 ? true : undefined, 20_000)
  })

  it('stops every service on SIGINT, redis-server included', async () => {
    const redisPid = await pidOf(launcher!, 'redis-server')
    await launcher!.state()
    launcher!.child.kill('SIGINT')
    const [code] = await launcher!.exited
    expect(code).toBe(0)
    expect(isAlive(redisPid)).toBe(false)
    expect([...launcher!.pidsSeen].filter(isAlive)).toEqual([])
  })
})

describe('the launcher with --centrals 2 and no redis-server installed', () => {
  it('says to install it or to set REDIS_URL, and leaves nothing running', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'p2p-e2e-launcher-'))
    try {
      // A PATH where redis-server is not: the launcher and its services run from process.execPath.
      const { REDIS_URL: _ignored, ...env } = process.env
      const launcher = spawnLauncher(path.join(root, 'network'), ['--centrals', '2'], { ...env, PATH: root })
      const [code] = await launcher.exited
      expect(code).toBe(1)
      expect(launcher.output()).toContain('apt-get install redis-server, or set REDIS_URL')
      expect(await readdir(path.join(root, 'network', 'logs'))).toEqual([])
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})
