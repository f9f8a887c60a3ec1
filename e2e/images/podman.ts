// podman as the image tests use it: as root, with the test's containers.conf, and a podman system
// service whose Docker-compatible socket docker-compose drives (there is no Docker engine here).
// The service runs only while the test does; one a killed run left behind is stopped by the next.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expectCommand, runCommand } from './command.js'

export const CONTAINERS_CONF = fileURLToPath(new URL('./containers.conf', import.meta.url))

/** The tools the image tests run, with the Debian package that brings each. */
const TOOLS: Array<[string, string]> = [
  ['podman', 'podman'],
  ['buildah', 'buildah'],
  ['docker-compose', 'docker-compose'],
  ['mmdebstrap', 'mmdebstrap'],
  ['iptables', 'iptables']
]
/** Files podman needs for what the compose files ask: networks with DNS between containers, and `init: true`. */
const HELPERS: Array<[string, string]> = [
  ['/usr/lib/podman/netavark', 'netavark'],
  ['/usr/lib/podman/aardvark-dns', 'aardvark-dns'],
  ['/usr/libexec/podman/catatonit', 'catatonit']
]

/** What this machine lacks to build and run the images, or null. */
export async function missingForImages (): Promise<string | null> {
  if (process.platform !== 'linux') return 'podman needs Linux'
  if (process.getuid?.() !== 0) return 'the image tests run podman as root'
  const missing: string[] = []
  for (const [tool, pkg] of TOOLS) {
    const found = await runCommand(['sh', '-c', `command -v ${tool}`], { timeoutMs: 5000 }).catch(() => null)
    if (found?.code !== 0) missing.push(pkg)
  }
  for (const [file, pkg] of HELPERS) {
    if (await access(file).then(() => false, () => true)) missing.push(pkg)
  }
  return missing.length === 0 ? null : `podman or its helpers are not installed (apt-get install ${missing.join(' ')})`
}

/** The environment every podman and docker-compose command of the tests runs with. */
export function podmanEnv (extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, CONTAINERS_CONF, ...extra }
}

/** Runs `podman <args>` and resolves with its standard output; rejects unless it exits 0. */
export async function podman (args: string[], timeoutMs = 60_000): Promise<string> {
  return await expectCommand(['podman', ...args], { timeoutMs, env: podmanEnv() })
}

export interface PodmanService {
  /** What DOCKER_HOST must be for docker-compose to talk to it. */
  dockerHost: string
  /** Stops the service and removes its socket's folder; never throws. */
  stop: () => Promise<void>
}

/** Socket folders are named after the test process, so a killed run's service can be told apart. */
const SERVICE_PREFIX = 'p2p-podman-service-'
const PID_FILE = 'service.pid'

export async function startPodmanService (): Promise<PodmanService> {
  await stopLeftoverServices()
  const dir = await mkdtemp(path.join(os.tmpdir(), `${SERVICE_PREFIX}${process.pid}-`))
  const socket = path.join(dir, 'podman.sock')
  // --time=0: no idle timeout; the test stops it.
  const child = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], { env: podmanEnv(), stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-4000) })
  await writeFile(path.join(dir, PID_FILE), String(child.pid))
  const service = { dockerHost: `unix://${socket}`, stop: async () => { await stopService(child, dir) } }
  try {
    await waitForSocket(socket, child)
  } catch (err) {
    await service.stop()
    throw new Error(`podman system service did not start: ${(err as Error).message}\n${stderr}`)
  }
  return service
}

/** Until the service answers Docker's ping on its socket (bounded). */
async function waitForSocket (socket: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    if (child.exitCode != null) throw new Error(`it exited with ${child.exitCode}`)
    const ping = await runCommand(['curl', '-sS', '--max-time', '2', '--unix-socket', socket, 'http://podman/_ping'], { timeoutMs: 5000 }).catch(() => null)
    if (ping?.code === 0 && ping.stdout.trim() === 'OK') return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error('its socket did not answer within 20 s')
}

async function stopService (child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode == null && child.signalCode == null) {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  }
  await rm(dir, { recursive: true, force: true })
}

/** Services started by test runs whose process is gone (killed before their clean-up). */
async function stopLeftoverServices (): Promise<void> {
  for (const entry of await readdir(os.tmpdir())) {
    const owner = new RegExp(`^${SERVICE_PREFIX}(\\d+)-`).exec(entry)
    if (owner == null || processAlive(Number(owner[1]))) continue
    const dir = path.join(os.tmpdir(), entry)
    const pid = Number(await readFile(path.join(dir, PID_FILE), 'utf8').catch(() => ''))
    // Only that run's own service: the pid must still be a podman system service on that socket.
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
    if (pid > 0 && cmdline.includes('system\0service') && cmdline.includes(dir)) process.kill(pid, 'SIGKILL')
    await rm(dir, { recursive: true, force: true })
  }
}

export function processAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
