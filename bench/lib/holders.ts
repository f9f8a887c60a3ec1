// The scenarios of a peer whose user downloads a file the peer holds itself, on a network of two peers
// that both hold it (the default of two copies): the CPU per GiB of that download (against the
// one-holder network's), two downloads at once (their total speed against one alone), and four
// downloads with two uploads at once through the one peer (the peak memory of every service).
import path from 'node:path'
import { rm } from 'node:fs/promises'
import { createCentralClient, deriveClusterKeys } from '@p2p/proto'
import { EPHEMERAL_PORTS, startLocalNetwork } from '../../scripts/lib/local-network.js'
import { expectHash, measure, MiB, sha256Of } from './measure.js'
import type { Result } from './measure.js'
import { medianResult, REPEATS } from './repeats.js'
import { curl, grpcUpload } from './transfers.js'

const NAME = 'bench-two-holders.bin'
const DOWNLOADS_AT_ONCE = 4
const UPLOADS_AT_ONCE = 2

export const TWO_HOLDERS = 'user download, the page\'s peer and one more hold the file'
export const TWO_AT_ONCE = 'two user downloads at once through one peer (total)'
export const CONCURRENCY = `${DOWNLOADS_AT_ONCE} user downloads and ${UPLOADS_AT_ONCE} uploads at once through one peer (total)`

/** Which holder served how many pieces of the page's downloads so far (its download record, summed by holder). */
async function piecesBySource (pageUrl: string): Promise<Record<string, number>> {
  const { downloads } = JSON.parse(await curl([`${pageUrl}/api/downloads`])) as { downloads: Array<{ sources: Array<{ peerId: string, pieces: number }> }> }
  const pieces: Record<string, number> = {}
  for (const source of downloads.flatMap((download) => download.sources)) pieces[source.peerId] = (pieces[source.peerId] ?? 0) + source.pieces
  process.stderr.write(`    pieces by holder so far: ${JSON.stringify(pieces)}\n`)
  return pieces
}

export async function benchHolders (options: { work: string, source: string, sha256: string, size: number }): Promise<Result[]> {
  const { work, source, sha256, size } = options
  const receivedPath = (n: number): string => path.join(work, `holders-received-${n}.bin`)
  const checkReceived = async (count: number, what: string): Promise<void> => {
    for (let n = 0; n < count; n++) {
      expectHash(await sha256Of(receivedPath(n)), sha256, `${what} #${n + 1}`)
      await rm(receivedPath(n), { force: true })
    }
  }
  const network = await startLocalNetwork({
    peers: 2,
    dataRoot: path.join(work, 'holders-network'),
    ports: EPHEMERAL_PORTS,
    seedDir: null,
    heartbeatIntervalMs: 500,
    replicationFactor: 2,
    capacity: () => `${Math.ceil(((UPLOADS_AT_ONCE + 2) * size) / MiB) + 64}MiB`
  })
  try {
    const [user, other] = [network.peers[0]!, network.peers[1]!]
    const pids = {
      central: network.central.server.child.pid!,
      'central proxy': network.central.proxy.child.pid!,
      pserver: user.pserver.child.pid!,
      pclient: user.pclient.child.pid!,
      proxy: user.proxy.child.pid!,
      'other pserver': other.pserver.child.pid!
    }
    const central = createCentralClient({ baseUrl: network.central.url, signer: { id: 'pclient:bench', key: deriveClusterKeys(network.clusterSecret).peerRequests } })
    const placement = await central.place({ name: NAME, size })
    expectHash((await grpcUpload(placement.grpcAddress, placement.ticket, NAME, size, source)).sha256, sha256, 'two-holder upload')
    const deadline = Date.now() + 120_000
    while ((await central.locate(NAME)).holders.length < 2) {
      if (Date.now() > deadline) throw new Error(`${NAME} did not reach two copies within 120 s`)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    const download = async (n: number): Promise<void> => { await curl(['-o', receivedPath(n), `${user.url}/download/${NAME}`]) }

    // One download and two at once, in turns (repeats.ts): each row is the median of its runs.
    const ones: Result[] = []
    const twos: Result[] = []
    for (let run = 0; run < REPEATS; run++) {
      ones.push(await measure(TWO_HOLDERS, size, pids, async () => { await download(0) }, async () => { await checkReceived(1, 'two-holder download') }))
      twos.push(await measure(TWO_AT_ONCE, 2 * size, pids,
        async () => { await Promise.all([download(0), download(1)]) }, async () => { await checkReceived(2, 'concurrent download') }))
    }
    const one = medianResult(ones)
    const two = medianResult(twos)
    one.piecesFrom = await piecesBySource(user.url)
    const uploaded = Array.from({ length: UPLOADS_AT_ONCE }, (_, n) => `bench-concurrent-${n + 1}.bin`)
    const upload = async (name: string): Promise<void> => {
      const answer = JSON.parse(await curl(['-H', 'accept: application/json', '-F', `file=@${source};filename=${name}`, `${user.url}/upload_file/`])) as { sha256: string }
      expectHash(answer.sha256, sha256, `concurrent upload of ${name}`)
    }
    const many = await measure(CONCURRENCY, (DOWNLOADS_AT_ONCE + UPLOADS_AT_ONCE) * size, pids, async () => {
      await Promise.all([...Array.from({ length: DOWNLOADS_AT_ONCE }, async (_, n) => { await download(n) }), ...uploaded.map(upload)])
    }, async () => { await checkReceived(DOWNLOADS_AT_ONCE, 'download under load') })
    two.piecesFrom = await piecesBySource(user.url)
    return [one, two, many]
  } finally {
    await network.stop()
  }
}
