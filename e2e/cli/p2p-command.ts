// Runs the real `p2p` command as a subprocess: the compiled bin (pclient/bin/p2p.js, as `npx p2p`
// runs it) under P2P_SERVICES=compiled, else the TypeScript source through tsx, as the services run.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { REPO_ROOT, SOURCE_NODE_ARGS, serviceRuntime } from '../../scripts/lib/service-runtime.js'

export interface P2pResult { code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }

export interface P2pRun {
  child: ChildProcess
  /** Resolves when the process exited, with everything it printed. */
  result: Promise<P2pResult>
}

/** The argv that runs `p2p` the way P2P_SERVICES says. */
export function p2pArgv (): string[] {
  if (serviceRuntime() === 'compiled') return [process.execPath, `${REPO_ROOT}pclient/bin/p2p.js`]
  // tsx by its path: `--import tsx` would be looked up from the command's own folder, a test's scratch.
  const tsx = pathToFileURL(createRequire(`${REPO_ROOT}package.json`).resolve('tsx')).href
  return [process.execPath, ...SOURCE_NODE_ARGS.map((arg) => arg === 'tsx' ? tsx : arg), `${REPO_ROOT}pclient/src/cli/main.ts`]
}

/** Starts `p2p args...` with `env` on top of a clean environment (no terminal: stdio are pipes). */
export function startP2p (args: readonly string[], env: Record<string, string>, cwd: string): P2pRun {
  const [command, ...prefix] = p2pArgv()
  const child = spawn(command!, [...prefix, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (text: string) => { stdout += text })
  child.stderr!.setEncoding('utf8').on('data', (text: string) => { stderr += text })
  const result = once(child, 'close').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null, stdout, stderr }))
  return { child, result }
}

export async function runP2p (args: readonly string[], env: Record<string, string>, cwd: string): Promise<P2pResult> {
  return await startP2p(args, env, cwd).result
}

/** Every line of a --json output, parsed (throws if one is not JSON). */
export function jsonLines (stdout: string): unknown[] {
  return stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as unknown)
}

// ESC (CSI, cursor moves, colours) and the other C0 controls but newline, and C1.
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTERS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/
