// The Redis that several central replicas of a local network share: Debian's `redis-server`, run as a
// child process on 127.0.0.1 and a port nobody uses, its files in a folder of the network's data.
// Append-only persistence is on, so `restart redis-server` (or a new `npm start` on the same data)
// finds the directory as it was; the replicas reconnect by themselves.
import { constants } from 'node:fs'
import { access, mkdir } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import { startService } from './service-process.js'
import type { ServiceProcess } from './service-process.js'

export const REDIS_SERVER = 'redis-server'

export class RedisMissingError extends Error {
  constructor () {
    super('the centrals keep their directory in Redis, and redis-server is not installed (not on PATH): ' +
      'apt-get install redis-server, or set REDIS_URL to a Redis to use (e.g. REDIS_URL=redis://127.0.0.1:6379)')
  }
}

/** The redis-server on PATH (Debian's package puts it in /usr/bin), or RedisMissingError. */
export async function findRedisServer (searchPath = process.env.PATH ?? ''): Promise<string> {
  for (const dir of searchPath.split(path.delimiter).filter((entry) => entry !== '')) {
    const candidate = path.join(dir, REDIS_SERVER)
    try {
      await access(candidate, constants.X_OK)
      return candidate
    } catch {}
  }
  throw new RedisMissingError()
}

/** A TCP port free on 127.0.0.1 now (redis-server cannot pick one itself: its port 0 means no TCP). */
export async function freePort (): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

export interface RedisProcessOptions {
  /** The redis-server to run (findRedisServer()). */
  executable: string
  port: number
  /** Its data folder: the append-only files live there. */
  dir: string
  label: string
  logFile?: string
  signal?: AbortSignal
}

/** How redis-server says it is up (7.0: "Ready to accept connections"; 7.2 adds " tcp"). */
export const REDIS_READY = /Ready to accept connections/

/** Starts redis-server and resolves once it accepts connections; `url` is redis://host:port. */
export async function startRedisProcess (options: RedisProcessOptions): Promise<ServiceProcess> {
  await mkdir(options.dir, { recursive: true })
  const argv: [string, ...string[]] = [
    options.executable,
    '--port', String(options.port),
    '--bind', '127.0.0.1',
    '--dir', options.dir,
    // Every write is in the append-only file within a second; no snapshots besides it.
    '--appendonly', 'yes',
    '--save', '',
    // Log to standard output, which the launcher keeps in the log file.
    '--logfile', '',
    '--daemonize', 'no'
  ]
  return await startService({
    label: options.label,
    env: {},
    command: { argv, cwd: options.dir },
    ...(options.logFile != null ? { logFile: options.logFile } : {}),
    ...(options.signal != null ? { signal: options.signal } : {}),
    plainText: { ready: REDIS_READY, url: `redis://127.0.0.1:${options.port}` }
  })
}

/** Resolves when a TCP connection to the Redis at `url` opens; rejects with a readable reason otherwise. */
export async function checkRedisReachable (url: string, timeoutMs = 3_000): Promise<void> {
  const { hostname, port } = new URL(url)
  const host = hostname.replace(/^\[(.*)\]$/, '$1')
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host, port: Number(port === '' ? 6379 : port), timeout: timeoutMs })
    const fail = (reason: string): void => {
      socket.destroy()
      reject(new Error(`REDIS_URL=${redactedUrl(url)} cannot be reached: ${reason}`))
    }
    socket.once('connect', () => { socket.destroy(); resolve() })
    socket.once('timeout', () => fail(`no connection within ${timeoutMs} ms`))
    socket.once('error', (err) => fail(err.message))
  })
}

/** The URL without its password, for messages. */
export function redactedUrl (url: string): string {
  const parsed = new URL(url)
  if (parsed.password !== '') parsed.password = '***'
  return parsed.toString().replace(/\/$/, '')
}
