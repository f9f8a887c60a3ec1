// The launcher itself (`npm start`, scripts/start-network.ts), run as a person runs it: one process
// that starts the central and three peers, on ports the OS picks, with its data in a temp folder. A
// local network stands for several machines, so one service dying must not stop the others: a holder's
// pserver killed in the middle of a download is reported, the download completes from the other
// holder, everything else keeps answering, and `restart` brings the pserver back (it registers
// again). The same for the central. Ctrl-C stops it all and leaves no process behind.
import { spawn } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import type { FileView, PeerView } from '@p2p/proto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NetworkState } from '../scripts/lib/network-state.js'
import { REPO_ROOT } from '../scripts/lib/service-process.js'
import type { DownloadView } from '@p2p/pclient/download-view'
import { eventually, getJson, makeRandomFile, uploadThroughPage } from './helpers.js'

const MiB = 1024 * 1024
const SIZE = 96 * MiB + 4321
const HEARTBEAT_MS = 500
const LAUNCHER = path.join(REPO_ROOT, 'scripts', 'start-network.ts')

interface Launcher {
  child: ChildProcessWithoutNullStreams
  /** Everything it printed so far, stdout and stderr interleaved as they arrived. */
  output: () => string
  state: () => Promise<NetworkState>
  /** Every service pid any state file listed, so none can be left behind. */
  pidsSeen: Set<number>
  send: (command: string) => void
  exited: Promise<[number | null, NodeJS.Signals | null]>
}

async function startLauncher (dataRoot: string, extraArgs: string[] = []): Promise<Launcher> {
  const child = spawn(process.execPath, ['--import', 'tsx', LAUNCHER, '--ports', 'ephemeral', '--data', dataRoot, '--heartbeat-ms', String(HEARTBEAT_MS), ...extraArgs], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe']
  })
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  let printed = ''
  child.stdout.on('data', (chunk: Buffer) => { printed += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { printed += chunk.toString() })
  const pidsSeen = new Set<number>()
  const state = async (): Promise<NetworkState> => {
    const current = JSON.parse(await readFile(path.join(dataRoot, 'network.json'), 'utf8')) as NetworkState
    for (const service of current.services) if (service.pid != null) pidsSeen.add(service.pid)
    return current
  }
  const launcher: Launcher = { child, output: () => printed, state, pidsSeen, send: (command) => { child.stdin.write(command + '\n') }, exited }
  await Promise.race([
    eventually('the launcher to say the network is up', async () => printed.includes('The network is up') ? true : undefined, 40_000),
    exited.then(([code]) => { throw new Error(`the launcher exited (${code}) while starting:\n${printed}`) })
  ])
  await state()
  return launcher
}

/** After a failed test: stops the launcher (Ctrl-C, then SIGKILL) and whatever service it left behind. */
async function stopLeftovers (launcher: Launcher | undefined): Promise<void> {
  if (launcher == null || launcher.child.exitCode != null || launcher.child.signalCode != null) return
  launcher.child.kill('SIGINT')
  const stopped = await Promise.race([launcher.exited.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 15_000))])
  if (stopped) return
  launcher.child.kill('SIGKILL')
  for (const pid of [...launcher.pidsSeen].filter(isAlive)) process.kill(pid, 'SIGKILL')
}

function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function pidOf (launcher: Launcher, label: string): Promise<number> {
  const service = (await launcher.state()).services.find((entry) => entry.label === label)
  if (service?.pid == null) throw new Error(`${label} has no pid in the state file`)
  return service.pid
}

async function waitForOutput (launcher: Launcher, text: string | RegExp, timeoutMs = 20_000): Promise<void> {
  await eventually(`the launcher to print ${String(text)}`, async () => {
    const printed = launcher.output()
    return (typeof text === 'string' ? printed.includes(text) : text.test(printed)) ? true : undefined
  }, timeoutMs)
}

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
    victim = holders[0]!
    const victimPid = await pidOf(launcher!, `${victim} pserver`)
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
        const [record] = (await getJson<{ downloads: DownloadView[] }>(`${downloader.url}/api/downloads`)).downloads
        sentBeforeKill = record?.bytesSent ?? 0
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
