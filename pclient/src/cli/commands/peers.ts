// `p2p peers`: the live peers with their space and load, and what the central says of itself.
import { formatBytes } from '@p2p/proto/directory'
import type { CommandContext } from '../context.js'
import { ExitCode } from '../exit-codes.js'
import type { ExitCodeValue } from '../exit-codes.js'
import { peersAnswerSchema } from '../peer-api.js'
import { formatTable, localTime } from '../table.js'

export async function peersCommand ({ api, output, signal }: CommandContext): Promise<ExitCodeValue> {
  const { peers, central } = await api.json('api/peers', peersAnswerSchema, { signal })
  for (const peer of peers) output.record(peer)
  const rows = peers.map((peer) => [
    peer.peerId, peer.grpcAddress, formatBytes(peer.freeBytes), formatBytes(peer.capacityBytes), String(peer.activeTransfers), String(peer.fileCount), localTime(peer.lastSeenAt)
  ])
  for (const text of formatTable(['PEER', 'ADDRESS', 'FREE', 'CAPACITY', 'TRANSFERS', 'FILES', 'LAST SEEN'], rows, new Set([2, 3, 4, 5]))) output.line(text)
  output.line(`${central.peers} live peers, ${central.files} files, replication factor ${central.replicationFactor}`)
  return ExitCode.Ok
}
