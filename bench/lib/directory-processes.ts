// The processes the directory benchmark measures: the real central-server (started as `npm start`
// would, through tsx) with the store under test, and the hello-world yardstick.
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { healthResponseSchema } from '@p2p/proto'
import type { HealthResponse } from '@p2p/proto'
import { freePort } from '@p2p/test-support'
import { REPO_ROOT } from '../../scripts/lib/service-process.js'
import { serviceArgv, SOURCE_NODE_ARGS } from '../../scripts/lib/service-runtime.js'

export type StoreName = 'memory' | 'redis'

export interface BenchProcess {
  url: string
  pid: number
  stop: () => Promise<void>
}

export interface CentralProcess extends BenchProcess {
  health: () => Promise<HealthResponse>
}

const READY_TIMEOUT_MS = 30_000
/** Long enough for a central to work through the requests queued when a route's load stopped. */
const HEALTH_TIMEOUT_MS = 120_000


export async function stopChild (child: ChildProcess): Promise<void> {
  // No pid: it never started (spawn failed), so there is nothing to stop and no exit will come.
  if (child.pid == null || child.exitCode != null || child.signalCode != null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

function tsxArgs (script: string): string[] {
  return [...SOURCE_NODE_ARGS, path.join(REPO_ROOT, script)]
}

export interface CentralOptions {
  store: StoreName
  clusterSecret: string
  redisUrl?: string
}

/**
 * Starts central-server with its log at `warn`: a line per request would measure pino, not the
 * directory (the hello-world logs nothing either). Peers heartbeat every 10 minutes as far as the
 * central knows, so none of the fake ones expires during a run, and the rate limit is out of the way.
 */
export async function startCentral (options: CentralOptions): Promise<CentralProcess> {
  const port = await freePort()
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    CLUSTER_SECRET: options.clusterSecret,
    HEARTBEAT_INTERVAL_MS: '600000',
    RATE_LIMIT_PER_MINUTE: '1000000',
    DIRECTORY_STORE: options.store,
    REPLICA_ID: 'bench',
    // Any free port: a benchmark never collides with a central already running on this machine.
    METRICS_PORT: '0',
    ...(options.redisUrl != null ? { REDIS_URL: options.redisUrl } : {})
  }
  // e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof': a CPU profile of the central, written when it stops.
  const nodeArgs = (process.env.BENCH_CENTRAL_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '')
  const [node, ...centralArgs] = serviceArgv('central-server')
  const child = spawn(node, [...nodeArgs, ...centralArgs], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const recent: string[] = []
  const keep = (line: string): void => { recent.push(line); if (recent.length > 20) recent.shift() }
  createInterface({ input: child.stdout! }).on('line', keep)
  createInterface({ input: child.stderr! }).on('line', keep)
  const url = `http://127.0.0.1:${port}`
  const health = async (): Promise<HealthResponse> => {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) })
    if (!response.ok) throw new Error(`GET /health answered ${response.status}: ${await response.text()}`)
    return healthResponseSchema.parse(await response.json())
  }
  const central = { url, pid: child.pid!, health, stop: async () => { await stopChild(child) } }
  for (const deadline = Date.now() + READY_TIMEOUT_MS; ;) {
    if (child.exitCode != null || child.signalCode != null) {
      throw new Error(`the central exited (${child.exitCode ?? child.signalCode}) before answering:\n${recent.join('\n')}`)
    }
    try {
      await health()
      return central
    } catch (err) {
      if (Date.now() > deadline) {
        await central.stop()
        throw new Error(`the central did not answer GET /health within ${READY_TIMEOUT_MS} ms (${String(err)}):\n${recent.join('\n')}`)
      }
      await sleep(100)
    }
  }
}

export async function startHelloWorld (): Promise<BenchProcess> {
  const child = spawn(process.execPath, tsxArgs('bench/lib/directory-hello.ts'), { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  const [line] = await once(createInterface({ input: child.stdout! }), 'line') as [string]
  return { url: `http://127.0.0.1:${Number(line)}`, pid: child.pid!, stop: async () => { await stopChild(child) } }
}

/** CPU seconds a process has used so far (user + system), from /proc/<pid>/stat. */
async function cpuSeconds (pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may hold spaces), from field 3 on: utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const USER_HZ = 100
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ
}

const IDLE_SHARE = 0.1
const IDLE_SAMPLE_MS = 300

/**
 * Waits until the process uses under a tenth of a core, so a measurement does not start behind work
 * left from the previous one: requests still queued when a load stops keep running after the central
 * answers a probe (their handlers interleave with it), so only the CPU tells when they are done.
 * Resolves false when it is still busy after `timeoutMs`.
 */
export async function waitUntilIdle (pid: number, timeoutMs = 300_000): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    const before = await cpuSeconds(pid)
    await sleep(IDLE_SAMPLE_MS)
    if ((await cpuSeconds(pid)) - before < IDLE_SHARE * IDLE_SAMPLE_MS / 1000) return true
  }
  return false
}
