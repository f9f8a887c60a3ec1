// `p2p get NAME... [-o PATH]`: downloads files, several at once, each through download-file.ts.
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { formatBytes } from '@p2p/proto/directory'
import { runEach } from '../context.js'
import type { CommandContext } from '../context.js'
import { downloadFile } from '../download-file.js'
import { CliError, ExitCode } from '../exit-codes.js'
import type { ExitCodeValue } from '../exit-codes.js'
import { partialValidators } from '../partial-validators.js'

export interface GetOptions { output?: string, continue?: boolean, force?: boolean, limitRate?: number }

/** Downloads that run at once; more would only share the same link. */
const AT_ONCE = 3

async function isFolder (where: string): Promise<boolean> {
  return await stat(where).then((info) => info.isDirectory(), () => false)
}

/** Where each name goes: the current folder, a folder -o names, or (one name) the file -o names. */
async function targetsOf (names: readonly string[], output: string | undefined): Promise<Map<string, string>> {
  const folder = output == null || await isFolder(output)
  if (!folder && names.length > 1) throw new CliError(ExitCode.Usage, `-o ${output ?? ''} must be an existing folder when getting several files`)
  const targets = new Map<string, string>()
  for (const name of names) {
    // The network's names are never paths, but this is a file about to be written: check anyway.
    if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes(path.sep)) {
      throw new CliError(ExitCode.Refused, `'${name}' is not a file name (no folders, not . or ..)`)
    }
    targets.set(name, folder ? path.join(output ?? '.', name) : output ?? name)
  }
  return targets
}

export async function getCommand (context: CommandContext, names: readonly string[], options: GetOptions): Promise<ExitCodeValue> {
  const { api, output, signal } = context
  const targets = await targetsOf([...new Set(names)], options.output)
  const validators = partialValidators()
  return await runEach([...targets], AT_ONCE, output, async ([name, target]) => {
    const result = await downloadFile({ api, output, validators }, { name, target, resume: options.continue === true, force: options.force === true, signal, ...(options.limitRate == null ? {} : { bytesPerSecond: options.limitRate }) })
    output.record(result)
    const resumed = result.resumedFrom > 0 ? `, resumed at ${formatBytes(result.resumedFrom)}` : ''
    output.line(`saved ${name} to ${target} (${formatBytes(result.size)}${resumed}, sha256 ${result.sha256})`)
  })
}
