// A real redis-server for a test: Debian's binary on a free port of 127.0.0.1, with its files in a
// temporary folder, stopped, restarted, killed or paused by the test to show how a service copes.
// Outside CI a machine without redis-server skips the tests that need one with one loud line; in CI
// (CI=true) a missing redis-server fails the run, so those tests can never silently stop running.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import fs from 'node:fs/promises'
import net from 'node:net'
import { freePort } from './free-port.js'
import path from 'node:path'
import { describe, it } from 'vitest'
import { makeTempDir } from './temp-dir.js'

/** Debian's package; REDIS_SERVER_PATH points elsewhere on other systems. */
export const REDIS_SERVER_PATH = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server'

const INSTALL_HINT = 'install it with `sudo apt-get install redis-server` (Debian/Ubuntu), or set REDIS_SERVER_PATH to a redis-server binary'
const STARTUP_TIMEOUT_MS = 10_000
const STOP_TIMEOUT_MS = 5000

export interface TestRedisServer {
  /** redis://127.0.0.1:<port> */
  url: string
  port: number
  /** The folder redis-server runs in (its dump.rdb, if it ever saves). */
  dir: string
  /** Stops it (SIGTERM) and waits for it to exit; start() brings it back on the same port. */
  stop: () => Promise<void>
  /** Starts it again on the same port after stop() or kill(). */
  start: () => Promise<void>
  /** Stops and starts it on the same port: empty by default, or with its data when `empty: false`. */
  restart: (options?: { empty?: boolean }) => Promise<void>
  /** SIGKILL, as a crash would. */
  kill: () => Promise<void>
  /** SIGSTOP: the port stays open but nothing answers, as with a hung or partitioned server. */
  pause: () => void
  resume: () => void
  /** Stops it for good and removes its folder. */
  close: () => Promise<void>
}

/** Why redis-server cannot run here, or null when it can. */
export function redisServerProblem (): string | null {
  try {
    accessSync(REDIS_SERVER_PATH, constants.X_OK)
    return null
  } catch {
    return `no redis-server at ${REDIS_SERVER_PATH}`
  }
}

/**
 * `describe` when redis-server is there. Without it: in CI one failing test says why; elsewhere the
 * suite is skipped and one line on stderr says how to get it.
 */
export function describeWithRedis (name: string, suite: () => void): void {
  const problem = redisServerProblem()
  if (problem == null) {
    describe(name, suite)
    return
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs redis-server', () => { throw new Error(`Redis tests cannot run in CI: ${problem}; ${INSTALL_HINT}`) })
    })
    return
  }
  process.stderr.write(`\n!!! SKIPPING THE REDIS TESTS (${name}): ${problem}; ${INSTALL_HINT}. !!!\n\n`)
  describe.skip(name, suite)
}

/** Starts redis-server on a free port with no persistence, and waits until it answers PING. */
export async function startRedisServer (): Promise<TestRedisServer> {
  const dir = await makeTempDir('p2p-redis-')
  let port = 0
  let child: ChildProcess | null = null
  // Only this test's process may outlive a crashed test run: never leave a server behind.
  const killOnExit = (): void => { child?.kill('SIGKILL') }
  process.once('exit', killOnExit)

  async function launch (): Promise<void> {
    const started = spawn(REDIS_SERVER_PATH, [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--dbfilename', 'dump.rdb'
    ], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    started.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
    started.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child = started
    const deadline = Date.now() + STARTUP_TIMEOUT_MS
    while (!(await answersPing(port))) {
      if (started.exitCode != null || started.signalCode != null || Date.now() > deadline) {
        started.kill('SIGKILL')
        child = null
        throw new Error(`redis-server did not start on port ${port}: ${output.trim().split('\n').slice(-3).join(' | ')}`)
      }
      await sleep(20)
    }
  }

  async function end (signal: NodeJS.Signals): Promise<void> {
    const running = child
    child = null
    if (running == null || running.exitCode != null || running.signalCode != null) return
    if (signal === 'SIGTERM') running.kill('SIGCONT')
    const exited = new Promise<void>((resolve) => { running.once('exit', () => { resolve() }) })
    running.kill(signal)
    const timer = setTimeout(() => { running.kill('SIGKILL') }, STOP_TIMEOUT_MS)
    await exited
    clearTimeout(timer)
  }

  // A port found free can be taken before redis-server binds it: try a few.
  for (let attempt = 1; ; attempt++) {
    port = await freePort()
    try {
      await launch()
      break
    } catch (err) {
      if (attempt >= 3) {
        process.off('exit', killOnExit)
        await fs.rm(dir, { recursive: true, force: true })
        throw err
      }
    }
  }

  const signal = (name: NodeJS.Signals): void => { child?.kill(name) }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop: async () => { await end('SIGTERM') },
    start: async () => { if (child == null) await launch() },
    restart: async ({ empty = true } = {}) => {
      if (empty) {
        await end('SIGTERM')
        await fs.rm(path.join(dir, 'dump.rdb'), { force: true })
      } else {
        await redisCommand(port, 'SHUTDOWN SAVE')
        await end('SIGTERM')
      }
      await launch()
    },
    kill: async () => { await end('SIGKILL') },
    pause: () => { signal('SIGSTOP') },
    resume: () => { signal('SIGCONT') },
    close: async () => {
      await end('SIGTERM')
      process.off('exit', killOnExit)
      await fs.rm(dir, { recursive: true, force: true })
    }
  }
}


/**
 * Sends one inline command (`SET k v`, `GET k`, `SCRIPT FLUSH`) and answers its reply as text: a
 * status, error or number line as Redis sends it ('+OK', '-ERR ...', ':1'), a bulk string's contents
 * ('v'), or '' for a missing value or when the connection fails or closes first. Enough for a test to
 * poke the server without a Redis client.
 */
export async function redisCommand (port: number, command: string, timeoutMs = 1000): Promise<string> {
  return await new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    let received = ''
    let answer = ''
    const done = (): void => { socket.destroy(); resolve(answer) }
    socket.setTimeout(timeoutMs, done)
    socket.once('error', done)
    socket.once('close', done)
    socket.once('connect', () => { socket.write(`${command}\r\n`) })
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString()
      const reply = parseReply(received)
      if (reply != null) {
        answer = reply
        done()
      }
    })
  })
}

/** The reply's text once it is complete, else null. */
function parseReply (received: string): string | null {
  const end = received.indexOf('\r\n')
  if (end < 0) return null
  const line = received.slice(0, end)
  if (!line.startsWith('$')) return line
  const length = Number(line.slice(1))
  if (length < 0) return ''
  const body = received.slice(end + 2)
  return Buffer.byteLength(body) >= length + 2 ? body.slice(0, body.length - 2) : null
}

async function answersPing (port: number): Promise<boolean> {
  return (await redisCommand(port, 'PING', 200)) === '+PONG'
}

async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}
