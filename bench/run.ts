// `npm run bench [-- --size 1GiB] [--multi-size 256MiB]`: how fast the network moves one large file,
// and how much memory each process needs while it does, side by side with baselines measured in the
// same run on the same file; then how much faster a download from four rate-capped holders is than
// from one of them.
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { once } from 'node:events'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { createCentralClient, deriveClusterKeys, parseByteSize } from '@p2p/proto'
import { storedPathOf } from '@p2p/pserver/stored-path'
import { EPHEMERAL_PORTS, startLocalNetwork } from '../scripts/lib/local-network.js'
import { REPO_ROOT } from '../scripts/lib/service-process.js'
import { serviceRuntime, SOURCE_NODE_ARGS } from '../scripts/lib/service-runtime.js'
import { expectHash, makeSourceFile, measure, MiB, sha256Of } from './lib/measure.js'
import type { Result } from './lib/measure.js'
import { formatMemoryTable, measureIdle, memoryRows } from './lib/memory.js'
import { benchHolders, CONCURRENCY, TWO_AT_ONCE, TWO_HOLDERS } from './lib/holders.js'
import { benchMultiSource, FIRST_MULTI_SOURCE, MULTI_SOURCE } from './lib/multi-source.js'
import { formatCpuTable, formatSpeedTable, formatTargets, issueTargets } from './lib/report.js'
import { measureRepeated } from './lib/repeats.js'
import { curl, grpcDownload, grpcUpload, receiveTcp } from './lib/transfers.js'

const USER_DOWNLOAD = 'user download: curl <- proxy <- pclient <- gRPC <- pserver'

function parseSize (text: string): number {
  const size = parseByteSize(text)
  if (size == null) throw new Error(`a size must look like 256MiB or 1GiB, not ${text}`)
  return size
}

async function startBaselineSender (mode: 'tcp' | 'http', filePath: string): Promise<{ port: number, pid: number, stop: () => void }> {
  const child = spawn(process.execPath, [...SOURCE_NODE_ARGS, path.join(REPO_ROOT, 'bench/lib/baseline-sender.ts'), mode, filePath], { stdio: ['ignore', 'pipe', 'inherit'] })
  const [line] = await once(createInterface({ input: child.stdout }), 'line') as [string]
  return { port: Number(line), pid: child.pid!, stop: () => child.kill('SIGTERM') }
}

async function main (): Promise<void> {
  const { values } = parseArgs({ options: { size: { type: 'string', default: '1GiB' }, 'multi-size': { type: 'string', default: '256MiB' } } })
  const size = parseSize(values.size)
  const multiSize = parseSize(values['multi-size'])
  const work = await mkdtemp(path.join(os.tmpdir(), 'p2p-bench-'))
  const source = path.join(work, 'source.bin')
  const received = path.join(work, 'received.bin')
  const results: Result[] = []
  let idle: Record<string, number> = {}
  try {
    process.stderr.write(`generating a ${values.size} file...\n`)
    const sha256 = await makeSourceFile(source, size)
    const checkReceived = async (what: string): Promise<void> => {
      expectHash(await sha256Of(received), sha256, what)
      await rm(received, { force: true })
    }

    const tcp = await startBaselineSender('tcp', source)
    results.push(await measure('baseline: raw Node TCP pipe', size, { sender: tcp.pid },
      async () => { await receiveTcp(tcp.port, received) }, async () => { await checkReceived('TCP baseline') }))
    tcp.stop()

    const http = await startBaselineSender('http', source)
    results.push(await measure('baseline: curl <- plain Node HTTP server', size, { sender: http.pid },
      async () => { await curl(['-o', received, `http://127.0.0.1:${http.port}/`]) }, async () => { await checkReceived('HTTP baseline') }))
    http.stop()

    const network = await startLocalNetwork({
      peers: 1, dataRoot: path.join(work, 'network'), ports: EPHEMERAL_PORTS, seedDir: null, capacity: () => `${Math.ceil((3 * size) / MiB) + 64}MiB`
    })
    try {
      const peer = network.peers[0]!
      const pids = {
        central: network.central.server.child.pid!,
        'central proxy': network.central.proxy.child.pid!,
        pserver: peer.pserver.child.pid!,
        pclient: peer.pclient.child.pid!,
        proxy: peer.proxy.child.pid!
      }
      idle = await measureIdle(pids)
      const central = createCentralClient({ baseUrl: network.central.url, signer: { id: 'pclient:bench', key: deriveClusterKeys(network.clusterSecret).peerRequests } })
      const storedPath = async (name: string): Promise<string> => {
        const stored = await storedPathOf(peer.dataDir, name)
        if (stored == null) throw new Error(`${name} is not stored on ${peer.id}`)
        return stored
      }

      results.push(await measure('gRPC upload: client -> pserver', size, pids, async () => {
        const placement = await central.place({ name: 'bench-grpc.bin', size })
        const answer = await grpcUpload(placement.grpcAddress, placement.ticket, 'bench-grpc.bin', size, source)
        expectHash(answer.sha256, sha256, 'gRPC upload answer')
      }, async () => { expectHash(await sha256Of(await storedPath('bench-grpc.bin')), sha256, 'gRPC upload on disk') }))

      results.push(await measure('gRPC download: pserver -> client', size, pids,
        async () => {
          const located = await central.locate('bench-grpc.bin')
          await grpcDownload(peer.grpcAddress, located.ticket, 'bench-grpc.bin', received)
        }, async () => { await checkReceived('gRPC download') }))

      // The one-holder download is what the two-holder one is compared with: both are medians (repeats.ts).
      results.push(await measureRepeated(async () => await measure(USER_DOWNLOAD, size, pids,
        async () => { await curl(['-o', received, `${peer.url}/download/bench-grpc.bin`]) }, async () => { await checkReceived('user download') })))

      results.push(await measure('user upload: curl -F -> proxy -> pclient -> gRPC -> pserver', size, pids, async () => {
        const answer = JSON.parse(await curl(['-H', 'accept: application/json', '-F', `file=@${source};filename=bench-page.bin`, `${peer.url}/upload_file/`])) as { sha256: string }
        expectHash(answer.sha256, sha256, 'user upload answer')
      }, async () => { expectHash(await sha256Of(await storedPath('bench-page.bin')), sha256, 'user upload on disk') }))
    } finally {
      await network.stop()
    }

    results.push(...await benchHolders({ work, source, sha256, size }))
    results.push(...await benchMultiSource({ work, size: multiSize }))

    const byName = (prefix: string): Result => results.find((r) => r.scenario.startsWith(prefix))!
    const relate = (prefix: string, baseline: string, target?: number): void => {
      const result = byName(prefix)
      const base = byName(baseline)
      result.ratio = { baseline: base.scenario, value: Math.round((result.mibPerSecond / base.mibPerSecond) * 100) / 100, ...(target != null ? { target } : {}) }
    }
    relate('gRPC upload', 'baseline: raw Node TCP', 0.9)
    relate('gRPC download', 'baseline: raw Node TCP', 0.9)
    relate('user download', 'baseline: curl', 0.5)
    relate('user upload', 'baseline: curl')
    relate(MULTI_SOURCE, 'single holder', 3.5)
    relate(FIRST_MULTI_SOURCE, 'single holder')

    // The memory targets are about moving the file through one peer: the four paths on that network.
    const memory = memoryRows(idle, results.filter((r) => /^(gRPC|user) (upload|download):/.test(r.scenario)))
    const targets = issueTargets(results, { oneHolder: USER_DOWNLOAD, twoHolders: TWO_HOLDERS, twoAtOnce: TWO_AT_ONCE, concurrency: CONCURRENCY })
    const report = { date: new Date().toISOString(), sizeBytes: size, machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 1024 / MiB), node: process.version }, services: serviceRuntime(), results, memory, targets }
    const resultsDir = path.join(REPO_ROOT, 'bench', 'results')
    await mkdir(resultsDir, { recursive: true })
    const resultsFile = path.join(resultsDir, `${report.date.replace(/[:.]/g, '-')}.json`)
    await writeFile(resultsFile, JSON.stringify(report, null, 2) + '\n')
    const title = `${values.size} file (multi-source: ${values['multi-size']}), ${report.services} services, Node ${process.version}`
    const tables = [formatSpeedTable(`${title}, ${report.date}`, results), formatCpuTable(results), formatMemoryTable(memory), formatTargets(targets)]
    process.stdout.write(`${tables.join('\n\n')}\nresults: ${path.relative(REPO_ROOT, resultsFile)}\n`)
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
