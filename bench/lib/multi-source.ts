// The multi-source scenario: four holders whose pservers may each send only 20 MiB/s (as if on home
// uplinks), one user peer. It times a download of the file from one holder alone, then through the
// user peer's page, which takes pieces from all four at once.
//
// The page's first download runs before both, timed on its own row: it is the first time the user
// peer's pclient and proxy and the holders' pservers run their download code, and the half second
// that costs on a 2-core machine (V8 compiling and tiering up the data path in seven processes at
// once; timeline in docs/performance.md) is a fixed cost, whatever the file's size. Measured after
// it, the two figures the target compares are both of processes that have moved bytes before, as a
// network's long-running services have: the one holder's download 13 s long, the page's 3.5 s.
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
/** The scenarios' names begin with these (run.ts relates them to the single holder). */
export const MULTI_SOURCE = 'multi-source download'
export const FIRST_MULTI_SOURCE = 'first multi-source download'

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
    const pageDownload = async (): Promise<void> => { await curl(['-o', received, `${user.url}/download/${NAME}`]) }
    const first = await measure(`${FIRST_MULTI_SOURCE}: the page's first download, through processes that have not moved a file yet`, size, { pclient: user.pclient.child.pid! },
      pageDownload, async () => { await checkReceived('first multi-source download') })
    const single = await measure(`single holder: gRPC download from one peer sending at most ${RATE}/s`, size, { pserver: holderPserver },
      async () => { await grpcDownload(one.grpcAddress, located.ticket, NAME, received) }, async () => { await checkReceived('single-holder download') })
    const multi = await measure(`${MULTI_SOURCE}: curl <- pclient <- ${HOLDERS} holders at ${RATE}/s each`, size, { pclient: user.pclient.child.pid! },
      pageDownload, async () => { await checkReceived('multi-source download') })
    return [single, first, multi]
  } finally {
    await network.stop()
    await rm(source, { force: true })
  }
}
