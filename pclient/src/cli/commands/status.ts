// `p2p status`: the central's health, how many copies the network keeps of each file, and which files
// are short of copies or lost.
import { formatBytes } from '@p2p/proto/directory'
import type { CommandContext } from '../context.js'
import { ExitCode } from '../exit-codes.js'
import type { ExitCodeValue } from '../exit-codes.js'
import { peersAnswerSchema, replicationReportSchema } from '../peer-api.js'

export async function statusCommand ({ api, output, signal }: CommandContext): Promise<ExitCodeValue> {
  const [{ central }, replication] = await Promise.all([
    api.json('api/peers', peersAnswerSchema, { signal }),
    api.json('api/replication', replicationReportSchema, { signal })
  ])
  output.record({ central, replication })
  const where = [central.store == null ? null : `${central.store} store`, central.replica == null ? null : `replica ${central.replica}`].filter((part) => part != null)
  output.line(`central: ${central.status}${where.length > 0 ? ` (${where.join(', ')})` : ''}, ${central.peers} live peers, ${central.files} files`)
  output.line(`replication factor: ${replication.replicationFactor}; copies being made: ${replication.copiesInProgress}`)
  output.line(`files short of copies: ${replication.underReplicated.length}`)
  for (const file of replication.underReplicated) output.line(`  ${file.name}  ${formatBytes(file.size)}  ${file.replicas} of ${replication.replicationFactor} copies`)
  output.line(`lost files (no live peer holds them): ${replication.lost.length}`)
  for (const file of replication.lost) output.line(`  ${file.name}  ${formatBytes(file.size)}  sha256 ${file.sha256}`)
  return ExitCode.Ok
}
