// Runs one command of the image tests (podman, docker-compose, mmdebstrap, npm) to completion within
// a time limit, keeping the end of its output for the error message. A command that outlives its
// limit is killed with its whole process group, so a hung build or compose call cannot hang the test.
import { spawn } from 'node:child_process'

/** How much of standard error is kept: enough for the error that matters at the end of a build log. */
const KEPT_STDERR_CHARS = 20_000
/** Standard output is what callers parse (podman's JSON), so it is kept whole up to a bound. */
const KEPT_STDOUT_CHARS = 10_000_000

export interface CommandResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface CommandOptions {
  timeoutMs: number
  env?: NodeJS.ProcessEnv
  cwd?: string
}

export class CommandError extends Error {
  constructor (readonly argv: string[], readonly result: CommandResult, why: string) {
    super(`${argv.join(' ')} ${why}\n${tail(result.stderr.trim() || result.stdout.trim(), 4000)}`)
    this.name = 'CommandError'
  }
}

function tail (text: string, chars: number): string {
  return text.length <= chars ? text : `…${text.slice(-chars)}`
}

/** Runs `argv` and resolves with its exit code and output, whatever the code; rejects on timeout. */
export async function runCommand (argv: string[], options: CommandOptions): Promise<CommandResult> {
  const [program = '', ...args] = argv
  return await new Promise((resolve, reject) => {
    const child = spawn(program, args, { env: options.env ?? process.env, cwd: options.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout = tail(stdout + chunk, KEPT_STDOUT_CHARS) })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr = tail(stderr + chunk, KEPT_STDERR_CHARS) })
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      killGroup(child.pid)
    }, options.timeoutMs)
    child.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.once('close', (code) => {
      clearTimeout(timer)
      const result = { code, stdout, stderr }
      if (timedOut) reject(new CommandError(argv, result, `did not finish within ${options.timeoutMs} ms`))
      else resolve(result)
    })
  })
}

/** Runs `argv` and resolves with its standard output; rejects unless it exits 0. */
export async function expectCommand (argv: string[], options: CommandOptions): Promise<string> {
  const result = await runCommand(argv, options)
  if (result.code !== 0) throw new CommandError(argv, result, `exited with ${String(result.code)}`)
  return result.stdout
}

function killGroup (pid: number | undefined): void {
  if (pid == null) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}
