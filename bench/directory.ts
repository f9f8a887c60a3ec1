// `npm run bench:directory [-- --peers 10000 --files-per-peer 100]`: what the central's directory costs
// per request and per holding as it grows. For each store (memory, redis) and each size, a fresh central
// is filled with fake peers through its real, signed API (timed on its own), once with every file at
// the replication factor and once with half the files short of a copy; then locate, a page of the
// list, heartbeats and placements are each driven with autocannon, side by side with a Fastify
// hello-world driven the same way in the same run. Prints one Markdown table, with date and machine.
//
//   --peers N --files-per-peer M   the directory: N peers of M files each (N x M holdings)
//   --scales 10000,100000,1000000  run these sizes (holdings, M files per peer) instead of N x M
//   --short-share 0,0.5            the passes: share of files held by one peer only (factor 2 otherwise)
//   --stores memory,redis          the stores; one that cannot start (no redis-server, a central
//                                  without the Redis store) is skipped with a line saying why
//   --seconds 5 --connections 10   how long and how wide each route is driven
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { MAX_FILES_PER_PEER } from '@p2p/proto'
import { REPO_ROOT } from '../scripts/lib/service-process.js'
import { runPass, StoreStartError } from './lib/directory-pass.js'
import { startHelloWorld } from './lib/directory-processes.js'
import type { StoreName } from './lib/directory-processes.js'
import { machineLine, markdownTable, targetLines } from './lib/directory-report.js'
import type { PassResult } from './lib/directory-report.js'

const log = (line: string): void => { process.stderr.write(line + '\n') }

function wholeNumber (flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new Error(`--${flag} must be a whole number from ${min} to ${max}, not ${text}`)
  return value
}

const list = (text: string): string[] => text.split(',').map((item) => item.trim()).filter((item) => item !== '')

function parseOptions (): { stores: StoreName[], sizes: Array<{ peers: number, filesPerPeer: number }>, shortShares: number[], seconds: number, connections: number } {
  const { values } = parseArgs({
    options: {
      peers: { type: 'string', default: '10000' },
      'files-per-peer': { type: 'string', default: '100' },
      scales: { type: 'string' },
      'short-share': { type: 'string', default: '0,0.5' },
      stores: { type: 'string', default: 'memory,redis' },
      seconds: { type: 'string', default: '5' },
      connections: { type: 'string', default: '10' }
    }
  })
  const filesPerPeer = wholeNumber('files-per-peer', values['files-per-peer'], 1, MAX_FILES_PER_PEER)
  const peerCounts = values.scales != null
    ? list(values.scales).map((holdings) => Math.round(wholeNumber('scales', holdings, 1) / filesPerPeer))
    : [wholeNumber('peers', values.peers, 2)]
  if (peerCounts.some((peers) => peers < 2)) throw new Error(`every size needs at least 2 peers of ${filesPerPeer} files (the second copies are on a neighbour)`)
  const shortShares = list(values['short-share']).map(Number)
  if (shortShares.length === 0 || shortShares.some((value) => !(value >= 0 && value <= 1))) throw new Error('--short-share takes shares from 0 to 1, e.g. 0,0.5')
  const stores = list(values.stores)
  if (stores.length === 0 || stores.some((store) => store !== 'memory' && store !== 'redis')) throw new Error('--stores takes memory, redis or both')
  return {
    stores: stores as StoreName[],
    sizes: peerCounts.map((peers) => ({ peers, filesPerPeer })),
    shortShares,
    seconds: wholeNumber('seconds', values.seconds, 1, 600),
    connections: wholeNumber('connections', values.connections, 1, 1000)
  }
}

async function main (): Promise<void> {
  const options = parseOptions()
  const date = new Date().toISOString()
  // A fresh cluster per run, as a local network has: the secret is never written anywhere.
  const clusterSecret = randomBytes(32).toString('hex')
  const hello = await startHelloWorld()
  const passes: PassResult[] = []
  const skipped: string[] = []
  try {
    for (const store of options.stores) {
      try {
        for (const size of options.sizes) {
          for (const shortShare of options.shortShares) {
            const shape = { ...size, shortShare }
            log(`${store} store, ${size.peers} peers x ${size.filesPerPeer} files, ${shortShare * 100}% short:`)
            passes.push(await runPass({ store, shape, clusterSecret, hello, load: options, log }))
          }
        }
      } catch (err) {
        if (!(err instanceof StoreStartError)) throw err
        const line = `skipped the ${store} store: ${err.message}`
        log(line)
        skipped.push(line)
      }
    }
  } finally {
    await hello.stop()
  }

  const resultsDir = path.join(REPO_ROOT, 'bench', 'results')
  await mkdir(resultsDir, { recursive: true })
  const resultsFile = path.join(resultsDir, `directory-${date.replace(/[:.]/g, '-')}.json`)
  await writeFile(resultsFile, JSON.stringify({ date, machine: machineLine(), options, passes, skipped }, null, 2) + '\n')
  process.stdout.write([
    `Directory benchmark, ${date.slice(0, 10)}: ${machineLine()}; each route driven ${options.seconds} s over ${options.connections} connections.`,
    '',
    markdownTable(passes),
    '',
    ...skipped,
    ...targetLines(passes).map((line) => `- ${line}`),
    '',
    `results: ${path.relative(REPO_ROOT, resultsFile)}`,
    ''
  ].join('\n'))
}

main().catch((err: unknown) => {
  process.stderr.write(`directory benchmark failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
