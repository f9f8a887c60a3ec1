// What every command works with: the peer's API, the output mode, Ctrl-C as an abort signal, and
// running several transfers at once with each failure reported as it happens.
import { CliError, ExitCode } from './exit-codes.js'
import type { ExitCodeValue } from './exit-codes.js'
import { chooseMode, createOutput } from './output.js'
import type { Output } from './output.js'
import { createPeerApi, parsePeerUrl } from './peer-api.js'
import type { PeerApi } from './peer-api.js'

export const DEFAULT_PEER = 'http://127.0.0.1:8001'

export interface GlobalOptions { peer: string, json?: boolean, quiet?: boolean }

export interface CommandContext {
  api: PeerApi
  output: Output
  /** Aborted by Ctrl-C. */
  signal: AbortSignal
}

export function commandContext (options: GlobalOptions, signal: AbortSignal): CommandContext {
  const output = createOutput(chooseMode(options, process.stderr.isTTY === true))
  return { api: createPeerApi(parsePeerUrl(options.peer)), output, signal }
}

/** Runs `work` for every item, `limit` at a time; reports each failure and returns the first one's exit code (0 if none). */
export async function runEach<T> (items: readonly T[], limit: number, output: Output, work: (item: T) => Promise<void>): Promise<ExitCodeValue> {
  let next = 0
  let code: ExitCodeValue = ExitCode.Ok
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T
      try {
        await work(item)
      } catch (err) {
        const failure = err instanceof CliError ? err : new CliError(ExitCode.Failed, err instanceof Error ? err.message : String(err), { cause: err })
        output.error(failure.message)
        if (code === ExitCode.Ok) code = failure.exitCode
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  output.close()
  return code
}
