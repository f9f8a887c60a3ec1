// The `p2p` command's entry (bin/p2p.js runs its compiled copy): parses the command line, runs the
// command, turns every failure into one sentence on stderr and an exit code (exit-codes.ts). Ctrl-C
// aborts the transfers in flight (a download keeps its .part, an upload is cancelled); a second one
// exits at once.
import { CommanderError } from '@commander-js/extra-typings'
import { buildProgram } from './program.js'
import { CliError, ExitCode } from './exit-codes.js'
import type { ExitCodeValue } from './exit-codes.js'

export async function runCli (argv: readonly string[]): Promise<ExitCodeValue> {
  const interrupt = new AbortController()
  const onSigint = (): void => {
    if (interrupt.signal.aborted) process.exit(ExitCode.Interrupted)
    interrupt.abort()
  }
  process.on('SIGINT', onSigint)
  let code: ExitCodeValue = ExitCode.Ok
  try {
    await buildProgram({ signal: interrupt.signal, done: (result) => { code = result } }).parseAsync([...argv])
    return code
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here too, successfully; commander already printed the rest.
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage
    }
    if (err instanceof CliError) {
      process.stderr.write(`p2p: ${err.message}\n`)
      return err.exitCode
    }
    if (interrupt.signal.aborted) {
      process.stderr.write('p2p: interrupted\n')
      return ExitCode.Interrupted
    }
    process.stderr.write(`p2p: ${err instanceof Error ? err.message : String(err)}\n`)
    return ExitCode.Failed
  } finally {
    process.off('SIGINT', onSigint)
  }
}

// A reader that stops early (`p2p ls | head`) is not a failure of ours.
process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw err })
process.exitCode = await runCli(process.argv)
