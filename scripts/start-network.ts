// `npm start [-- --peers N]`: the whole network on this machine, no configuration needed.
// Central on 127.0.0.1:8000, peer N's web page on 127.0.0.1:800N; Ctrl-C stops everything.
import { parseArgs } from 'node:util'
import path from 'node:path'
import { FIXED_PORTS, startLocalNetwork } from './lib/local-network.js'
import { REPO_ROOT } from './lib/service-process.js'

const MAX_PEERS = 20

function readPeerCount (): number {
  const { values } = parseArgs({ options: { peers: { type: 'string', default: '2' } } })
  const peers = Number(values.peers)
  if (!Number.isInteger(peers) || peers < 1 || peers > MAX_PEERS) {
    process.stderr.write(`--peers must be a whole number from 1 to ${MAX_PEERS}\n`)
    process.exit(2)
  }
  return peers
}

async function main (): Promise<void> {
  const peers = readPeerCount()
  const dataRoot = path.join(REPO_ROOT, '.data')
  process.stdout.write(`starting a local network: the central and ${peers} peer${peers === 1 ? '' : 's'}...\n`)
  const network = await startLocalNetwork({ peers, dataRoot, ports: FIXED_PORTS })

  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    process.stdout.write('\nstopping the network...\n')
    void network.stop().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)

  const lines = [
    '',
    'The network is up:',
    `  central directory   ${network.central.url}   (API docs: ${network.central.url}/docs)`,
    ...network.peers.map((peer) => `  ${peer.id} web page    ${peer.url}   (gRPC ${peer.grpcAddress}, data ${path.relative(REPO_ROOT, peer.dataDir)})`),
    '',
    `Logs: ${path.relative(REPO_ROOT, path.join(dataRoot, 'logs'))}/   Press Ctrl-C to stop.`,
    ''
  ]
  process.stdout.write(lines.join('\n'))

  // If any service dies on its own, say so and take the rest down rather than run half a network.
  const all = [network.central.server, network.central.proxy, ...network.peers.flatMap((peer) => [peer.pserver, peer.pclient, peer.proxy])]
  for (const proc of all) {
    void proc.exited.then(() => {
      if (stopping) return
      process.stderr.write(`\n${proc.label} exited unexpectedly; its last log lines:\n${proc.recentLogs()}\n`)
      stop()
    })
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`could not start the network: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
