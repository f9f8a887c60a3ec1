// `p2p put FILE... [--as NAME]`: uploads files, several at once, each through upload-file.ts, and keeps
// the delete token each upload is given (when the network gives one) for `p2p rm`.
import path from 'node:path'
import { formatBytes } from '@p2p/proto/directory'
import { runEach } from '../context.js'
import type { CommandContext } from '../context.js'
import { deleteTokens } from '../delete-tokens.js'
import { CliError, ExitCode } from '../exit-codes.js'
import type { ExitCodeValue } from '../exit-codes.js'
import { uploadFile } from '../upload-file.js'

export interface PutOptions { as?: string, limitRate?: number }

const AT_ONCE = 3

export async function putCommand (context: CommandContext, files: readonly string[], options: PutOptions): Promise<ExitCodeValue> {
  const { api, output, signal } = context
  if (options.as != null && files.length > 1) throw new CliError(ExitCode.Usage, '--as names one file: give one FILE with it')
  const tokens = deleteTokens()
  return await runEach(files, AT_ONCE, output, async (file) => {
    const name = options.as ?? path.basename(file)
    const answer = await uploadFile({ api, output }, { file, name, signal, ...(options.limitRate == null ? {} : { bytesPerSecond: options.limitRate }) })
    output.record({ ...answer, file })
    const factor = answer.replicationFactor == null ? '' : `; ${answer.copies} of ${answer.replicationFactor} copies, the network makes the rest`
    output.line(`stored ${file} as ${answer.name} on ${answer.peers.join(', ')} (${formatBytes(answer.size)}, sha256 ${answer.sha256}${factor})`)
    if (answer.deleteToken != null) {
      await tokens.save(answer.name, answer.sha256, answer.deleteToken)
      output.line(`delete token for ${answer.name}: ${answer.deleteToken} (kept in ${tokens.file} for p2p rm)`)
    }
  })
}
