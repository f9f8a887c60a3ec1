// `p2p rm NAME`: deletes a file from the network with its delete token: --token (or P2P_DELETE_TOKEN), or
// the one `p2p put` kept for that name and content. The operator passes their operator token.
import { z } from 'zod'
import type { CommandContext } from '../context.js'
import { deleteTokens } from '../delete-tokens.js'
import { CliError, ExitCode } from '../exit-codes.js'
import type { ExitCodeValue } from '../exit-codes.js'
import { answerError } from '../peer-api.js'

export interface RmOptions { token?: string }

const deletedSchema = z.object({ name: z.string(), sha256: z.string(), deletedAt: z.string() }).passthrough()

export async function rmCommand ({ api, output, signal }: CommandContext, name: string, options: RmOptions): Promise<ExitCodeValue> {
  const path = `files/${encodeURIComponent(name)}`
  // The content the name has now, to find the token kept for it (the directory answers a HEAD alone).
  const head = await api.fetch(`download/${encodeURIComponent(name)}`, { method: 'HEAD', signal })
  // A HEAD answer has no body to carry an error code: its status says it.
  if (head.status === 404 || head.status === 410) throw new CliError(ExitCode.NotFound, `'${name}' is not on the network`)
  if (!head.ok) throw await answerError(head, `deleting '${name}'`)
  const sha256 = head.headers.get('x-content-sha256')
  const tokens = deleteTokens()
  const token = options.token ?? await tokens.find(name, sha256)
  if (token == null || token === '') {
    throw new CliError(ExitCode.Forbidden, `no delete token for '${name}': pass --token (the one \`p2p put\` printed, or the operator's token) or set P2P_DELETE_TOKEN`)
  }
  const deleted = await api.json(path, deletedSchema, { method: 'DELETE', headers: { 'x-delete-token': token }, signal })
  await tokens.forget(name, deleted.sha256)
  output.record(deleted)
  output.line(`deleted ${deleted.name} (sha256 ${deleted.sha256})`)
  return ExitCode.Ok
}
