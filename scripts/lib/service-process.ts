// Runs one service of the project as a real child process, the way a machine would: its own env,
// JSON logs on stdout. Used by `npm start` and by the end-to-end tests, so both start the network
// the same way.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import type { WriteStream } from 'node:fs'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { REPO_ROOT, SERVICE_NODE_OPTIONS, serviceAllocatorEnv, serviceArgv } from './service-runtime.js'
import type { ServiceName } from './service-runtime.js'

export { REPO_ROOT }
export type { ServiceName }


export interface ServiceOptions {
  /** Which workspace to run; needed unless `command` says what to run. */
  service?: ServiceName
  /** A label for logs and errors, e.g. 'peer-1 pclient'. */
  label: string
  env: Record<string, string>
  /** Where to append the service's log lines; kept in memory only when absent. */
  logFile?: string
  /** How long to wait for the service's 'listening' log line. */
  readyTimeoutMs?: number
  /**
   * The whole command line, when the service is not started the default way (its source or its compiled
   * output as P2P_SERVICES says, from the repository root: service-runtime.ts), e.g. inside a network
   * namespace.
   */
  command?: { argv: [string, ...string[]], cwd: string }
  /** Aborted while the service starts (the network is being stopped): it is stopped and the start rejects. */
  signal?: AbortSignal
  /**
   * For a program that does not log pino JSON (redis-server): each line is kept as `{msg: line}`, the
   * first line matching `ready` means it is ready (instead of a 'listening' line), at `url`.
   */
  plainText?: { ready: RegExp, url: string }
}

export interface LogLine {
  msg?: string
  level?: number
  url?: string
  address?: string
  [key: string]: unknown
}

export interface ServiceProcess {
  readonly label: string
  readonly child: ChildProcess
  /** http://host:port of an HTTP service, from its 'listening' line. */
  readonly url: string | undefined
  /** host:port of a gRPC service, from its 'listening' line. */
  readonly address: string | undefined
  /** http://host:port of its metrics listener (GET /metrics), from its 'metrics listening' line. */
  readonly metricsUrl: string | undefined
  /** The most recent log lines, for failure messages. */
  recentLogs: () => string
  /** Resolves with the first log line (past or future) that matches. */
  waitForLog: (match: (line: LogLine) => boolean, timeoutMs?: number) => Promise<LogLine>
  /** SIGTERM (or the given signal), then SIGKILL if it has not exited in time. Resolves when it exited. */
  stop: (signal?: NodeJS.Signals, graceMs?: number) => Promise<void>
  readonly exited: Promise<void>
}

const MAX_KEPT_LINES = 400

export async function startService (options: ServiceOptions): Promise<ServiceProcess> {
  options.signal?.throwIfAborted()
  const [file, ...args] = options.command?.argv ?? serviceArgv(requireService(options))
  const child = spawn(file, args, {
    cwd: options.command?.cwd ?? REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: process.env.NODE_ENV ?? 'production',
      NODE_OPTIONS: SERVICE_NODE_OPTIONS,
      ...(options.command == null ? serviceAllocatorEnv() : {}),
      ...options.env
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = once(child, 'exit').then(() => {})
  const logFile: WriteStream | undefined = options.logFile != null ? createWriteStream(options.logFile, { flags: 'a' }) : undefined
  const kept: string[] = []
  const parsed: LogLine[] = []
  const waiters = new Set<{ match: (line: LogLine) => boolean, resolve: (line: LogLine) => void }>()

  const onLine = (raw: string): void => {
    logFile?.write(raw + '\n')
    kept.push(raw)
    if (kept.length > MAX_KEPT_LINES) kept.shift()
    const line = options.plainText != null ? { msg: raw } : parseLogLine(raw)
    if (line == null) return
    parsed.push(line)
    if (parsed.length > MAX_KEPT_LINES) parsed.shift()
    for (const waiter of waiters) {
      if (waiter.match(line)) {
        waiters.delete(waiter)
        waiter.resolve(line)
      }
    }
  }
  createInterface({ input: child.stdout! }).on('line', onLine)
  createInterface({ input: child.stderr! }).on('line', onLine)
  // 'close', not 'exit': the last lines of stdout and stderr may still arrive after the process exited.
  child.once('close', () => { logFile?.end() })

  const recentLogs = (): string => kept.slice(-40).join('\n')

  const waitForLog = async (match: (line: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> => {
    const seen = parsed.find(match)
    if (seen != null) return seen
    return await new Promise<LogLine>((resolve, reject) => {
      const waiter = { match, resolve: (line: LogLine) => { clearTimeout(timer); resolve(line) } }
      const timer = setTimeout(() => {
        waiters.delete(waiter)
        reject(new Error(`${options.label}: timed out after ${timeoutMs} ms waiting for a log line\n${recentLogs()}`))
      }, timeoutMs)
      waiters.add(waiter)
      void exited.then(() => {
        if (!waiters.has(waiter)) return
        waiters.delete(waiter)
        clearTimeout(timer)
        reject(new Error(`${options.label} exited (code ${child.exitCode ?? child.signalCode}) before logging what was awaited\n${recentLogs()}`))
      })
    })
  }

  const stop = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> => {
    if (child.exitCode != null || child.signalCode != null) return
    child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    await exited
    clearTimeout(timer)
  }

  const plainText = options.plainText
  const isReady = plainText != null ? (line: LogLine) => plainText.ready.test(line.msg ?? '') : (line: LogLine) => line.msg === 'listening'
  const ready = await untilAborted(waitForLog(isReady, options.readyTimeoutMs ?? 30_000), options.signal)
    .catch(async (err: unknown) => { await stop(options.signal?.aborted === true ? 'SIGTERM' : 'SIGKILL'); throw err })

  return {
    label: options.label,
    child,
    url: plainText?.url ?? (typeof ready.url === 'string' ? ready.url : undefined),
    address: typeof ready.address === 'string' ? ready.address : undefined,
    // Services log it before 'listening' (see @p2p/proto's startMetricsServer), so it is read by now.
    metricsUrl: metricsUrlOf(parsed),
    recentLogs,
    waitForLog,
    stop,
    exited
  }
}

function metricsUrlOf (lines: readonly LogLine[]): string | undefined {
  const line = lines.findLast((entry) => entry.msg === 'metrics listening')
  return typeof line?.url === 'string' ? line.url : undefined
}

function requireService (options: ServiceOptions): ServiceName {
  if (options.service == null) throw new Error(`${options.label}: name the service or the command to run`)
  return options.service
}

/** A pino JSON line, or null for anything else (a stack trace, a line written before the logger existed). */
function parseLogLine (raw: string): LogLine | null {
  try {
    return JSON.parse(raw) as LogLine
  } catch {
    return null
  }
}

async function untilAborted<T> (promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal == null) return await promise
  let onAbort = (): void => {}
  const aborted = new Promise<never>((resolve, reject) => {
    onAbort = () => { reject(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([promise, aborted])
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}
