// The multi-source scenario: four holders whose pservers may each send only 20 MiB/s (as if on home
// uplinks), one user peer. It times a download of the file from one holder alone, then through the
// user peer's page, which takes pieces from all four at once.
import path from 'node:path'
import { rm } from 'node:fs/promises'
import { createCentralClient, deriveClusterKeys } from '@p2p/proto'
import { EPHEMERAL_PORTS, startLocalNetwork } from '../../scripts/lib/local-network.js'
import { expectHash, makeSourceFile, measure, MiB, sha256Of } from './measure.js'
import type { Result } from './measure.js'
import { curl, grpcDownload, grpcUpload } from './transfers.js'

const HOLDERS = 4
const RATE = '20MiB'
const RATE_BYTES = 20 * MiB
const NAME = 'bench-multi.bin'

export async function benchMultiSource (options: { work: string, size: number }): Promise<Result[]> {
  const { work, size } = options
  const source = path.join(work, 'multi-source.bin')
  const received = path.join(work, 'multi-received.bin')
  process.stderr.write(`multi-source: generating ${Math.round(size / MiB)} MiB, ${HOLDERS} holders at ${RATE}/s each...\n`)
  const sha256 = await makeSourceFile(source, size)
  const checkReceived = async (what: string): Promise<void> => {
    expectHash(await sha256Of(received), sha256, what)
    await rm(received, { force: true })
  }

  // Peer 1 is the user's: too small to hold the file, so every copy is on a capped holder.
  const network = await startLocalNetwork({
    peers: HOLDERS + 1,
    dataRoot: path.join(work, 'multi-network'),
    ports: EPHEMERAL_PORTS,
    seedDir: null,
    heartbeatIntervalMs: 500,
    replicationFactor: HOLDERS,
    capacity: (i) => i === 1 ? '1MiB' : `${Math.ceil((2 * size) / MiB) + 64}MiB`,
    sendRate: (i) => i === 1 ? null : RATE
  })
  try {
    const user = network.peers[0]!
    const central = createCentralClient({ baseUrl: network.central.url, signer: { id: 'pclient:bench', key: deriveClusterKeys(network.clusterSecret).peerRequests } })
    const placement = await central.place({ name: NAME, size })
    expectHash((await grpcUpload(placement.grpcAddress, placement.ticket, NAME, size, source)).sha256, sha256, 'multi-source upload')

    // The central copies the file to every holder; each copy is paced by the capped senders.
    const deadline = Date.now() + 60_000 + (HOLDERS * size / RATE_BYTES) * 1000
    let located = await central.locate(NAME)
    while (located.holders.length < HOLDERS) {
      if (Date.now() > deadline) throw new Error(`the file reached only ${located.holders.length} of ${HOLDERS} copies`)
      await new Promise((resolve) => setTimeout(resolve, 250))
      located = await central.locate(NAME)
    }

    const one = located.holders[0]!
    const holderPserver = network.peers.find((peer) => peer.id === one.peerId)!.pserver.child.pid!
    const single = await measure(`single holder: gRPC download from one peer sending at most ${RATE}/s`, size, { pserver: holderPserver },
      async () => { await grpcDownload(one.grpcAddress, located.ticket, NAME, received) }, async () => { await checkReceived('single-holder download') })
    const multi = await measure(`multi-source download: curl <- pclient <- ${HOLDERS} holders at ${RATE}/s each`, size, { pclient: user.pclient.child.pid! },
      async () => { await curl(['-o', received, `${user.url}/download/${NAME}`]) }, async () => { await checkReceived('multi-source download') })
    return [single, multi]
  } finally {
    await network.stop()
    await rm(source, { force: true })
  }
}
