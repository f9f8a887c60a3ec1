// Drives the launcher (`npm start`, scripts/start-network.ts) from the outside, as a person does: one
// process on ports the OS picks, its data in a folder of the test, read through what it prints and
// through <data>/network.json, given commands on its standard input.
import { spawn } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { NetworkState } from '../scripts/lib/network-state.js'
import { REPO_ROOT } from '../scripts/lib/service-process.js'
import { SOURCE_NODE_ARGS } from '../scripts/lib/service-runtime.js'
import { eventually } from './helpers.js'

export const HEARTBEAT_MS = 500
const LAUNCHER = path.join(REPO_ROOT, 'scripts', 'start-network.ts')

export interface Launcher {
  child: ChildProcessWithoutNullStreams
  /** Everything it printed so far, stdout and stderr interleaved as they arrived. */
  output: () => string
  state: () => Promise<NetworkState>
  /** Every service pid any state file listed, so none can be left behind. */
  pidsSeen: Set<number>
  send: (command: string) => void
  exited: Promise<[number | null, NodeJS.Signals | null]>
}

export interface LaunchOptions {
  /** The launcher's environment; the test's own by default. */
  env?: NodeJS.ProcessEnv
  /** How long the network may take to come up. */
  upWithinMs?: number
}

/** Starts the launcher without waiting for anything. */
export function spawnLauncher (dataRoot: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = process.env): Launcher {
  const child = spawn(process.execPath, [...SOURCE_NODE_ARGS, LAUNCHER, '--ports', 'ephemeral', '--data', dataRoot, '--heartbeat-ms', String(HEARTBEAT_MS), ...extraArgs], {
    cwd: REPO_ROOT,
    env,
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
  return { child, output: () => printed, state, pidsSeen, send: (command) => { child.stdin.write(command + '\n') }, exited }
}

/** Starts the launcher and resolves once it says the network is up. */
export async function startLauncher (dataRoot: string, extraArgs: string[] = [], options: LaunchOptions = {}): Promise<Launcher> {
  const launcher = spawnLauncher(dataRoot, extraArgs, options.env)
  await Promise.race([
    eventually('the launcher to say the network is up', async () => launcher.output().includes('The network is up') ? true : undefined, options.upWithinMs ?? 40_000),
    launcher.exited.then(([code]) => { throw new Error(`the launcher exited (${code}) while starting:\n${launcher.output()}`) })
  ])
  // Written just before the banner is printed, but asynchronously.
  await eventually('network.json', async () => await launcher.state(), 5_000)
  return launcher
}

/** After a failed test: stops the launcher (Ctrl-C, then SIGKILL) and whatever service it left behind. */
export async function stopLeftovers (launcher: Launcher | undefined): Promise<void> {
  if (launcher == null || launcher.child.exitCode != null || launcher.child.signalCode != null) return
  launcher.child.kill('SIGINT')
  const stopped = await Promise.race([launcher.exited.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 15_000))])
  if (stopped) return
  launcher.child.kill('SIGKILL')
  for (const pid of [...launcher.pidsSeen].filter(isAlive)) process.kill(pid, 'SIGKILL')
}

export function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

export async function pidOf (launcher: Launcher, label: string): Promise<number> {
  const service = (await launcher.state()).services.find((entry) => entry.label === label)
  if (service?.pid == null) throw new Error(`${label} has no pid in the state file`)
  return service.pid
}

export async function waitForOutput (launcher: Launcher, text: string | RegExp, timeoutMs = 20_000): Promise<void> {
  await eventually(`the launcher to print ${String(text)}`, async () => {
    const printed = launcher.output()
    return (typeof text === 'string' ? printed.includes(text) : text.test(printed)) ? true : undefined
  }, timeoutMs)
}
