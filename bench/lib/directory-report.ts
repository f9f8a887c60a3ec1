// The directory benchmark's results as one Markdown table (padded, so it also reads in a terminal), with
// the date and machine, and the issue's targets checked against the run's largest directory.
import os from 'node:os'
import type { FillResult } from './directory-fill.js'
import type { LoadResult } from './directory-load.js'
import type { StoreName } from './directory-processes.js'

export interface RouteResult extends LoadResult {
  /** The hello-world's requests/s, driven just before this route: the ratio's denominator. */
  helloRequestsPerSecond: number
}

export interface PassResult {
  store: StoreName
  peers: number
  filesPerPeer: number
  holdings: number
  files: number
  /** The share of files held by one peer only, as filled (the asked share, rounded to whole files). */
  shortShare: number
  fill: FillResult
  centralRssMiB: { empty: number, filled: number, end: number }
  redisMiB: { empty: number, filled: number, end: number } | null
  /** The store's growth from empty to filled, per holding: the central's RSS (memory) or Redis's used_memory. */
  bytesPerHolding: number
  /** The hello-world run with the median requests/s of those driven before each route. */
  hello: LoadResult
  routes: RouteResult[]
}

export function machineLine (): string {
  const cpus = os.cpus()
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `${os.type()} ${os.release()}, Node ${process.version}`
}

const count = (n: number): string => Math.round(n).toLocaleString('en-US')
const ms = (n: number): string => Number.isNaN(n) ? '-' : n < 10 ? n.toFixed(1) : count(n)
const rate = (n: number): string => n < 10 ? n.toFixed(1) : count(n)
const ratio = (n: number): string => n < 0.01 ? '<0.01x' : `${n.toFixed(2)}x`
const share = (n: number): string => `${Math.round(n * 100)}%`

function routeCell (load: LoadResult): string {
  const faults = [load.answered === 0 ? 'none answered' : '', load.non2xx > 0 ? `${count(load.non2xx)} non-2xx` : '', load.errors > 0 ? `${count(load.errors)} errors` : ''].filter((text) => text !== '')
  return faults.length > 0 ? `${load.route} (${faults.join(', ')})` : load.route
}

function passRows (pass: PassResult): string[][] {
  const memory = [
    `${pass.fill.seconds.toFixed(1)} (${count(pass.fill.holdingsPerSecond)}/s)`,
    `${count(pass.centralRssMiB.empty)} / ${count(pass.centralRssMiB.filled)} / ${count(pass.centralRssMiB.end)}`,
    pass.redisMiB == null ? '-' : `${count(pass.redisMiB.filled)} / ${count(pass.redisMiB.end)}`,
    count(pass.bytesPerHolding)
  ]
  return [{ ...pass.hello, helloRequestsPerSecond: pass.hello.requestsPerSecond }, ...pass.routes].map((load, row) => [
    pass.store, count(pass.holdings), share(pass.shortShare), routeCell(load), rate(load.requestsPerSecond),
    ratio(load.requestsPerSecond / load.helloRequestsPerSecond), ms(load.p50Ms), ms(load.p99Ms),
    ...(row === 0 ? memory : memory.map(() => ''))
  ])
}

const HEADER = ['store', 'holdings', 'short', 'route', 'req/s', 'vs hello', 'p50 ms', 'p99 ms', 'fill s', 'central RSS MiB (empty / filled / end)', 'Redis MiB (filled / end)', 'B/holding']
const RIGHT_ALIGNED = new Set([1, 2, 4, 5, 6, 7, 11])

export function markdownTable (passes: PassResult[]): string {
  const rows = [HEADER, ...passes.flatMap(passRows)]
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  const line = (row: string[]): string => `| ${row.map((cell, column) => RIGHT_ALIGNED.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)).join(' | ')} |`
  const rule = `|${widths.map((width, column) => RIGHT_ALIGNED.has(column) ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2)).join('|')}|`
  return [line(HEADER), rule, ...rows.slice(1).map(line)].join('\n')
}

const verdict = (met: boolean): string => met ? 'met' : 'MISSED'

/** The issue's targets, each judged on the largest directory of the run that it applies to. */
export function targetLines (passes: PassResult[]): string[] {
  const lines: string[] = []
  for (const store of ['memory', 'redis'] as const) {
    const ofStore = passes.filter((pass) => pass.store === store)
    if (ofStore.length === 0) continue
    const largest = Math.max(...ofStore.map((pass) => pass.holdings))
    const smallest = Math.min(...ofStore.map((pass) => pass.holdings))
    for (const pass of ofStore.filter((candidate) => candidate.holdings === largest)) {
      const at = `${store}, ${count(largest)} holdings, ${share(pass.shortShare)} short`
      const locate = pass.routes.find((load) => load.route === 'locate')
      const heartbeat = pass.routes.find((load) => load.route === 'heartbeat')
      const minRatio = store === 'memory' ? 0.5 : 0.25
      if (locate != null) {
        const relative = locate.requestsPerSecond / locate.helloRequestsPerSecond
        lines.push(`${at}: locate ${ratio(relative)} hello-world (target >= ${minRatio}x: ${verdict(relative >= minRatio)}), ` +
          `p99 ${ms(locate.p99Ms)} ms (target < 10 ms: ${verdict(locate.p99Ms < 10)})`)
      }
      if (heartbeat != null) lines.push(`${at}: heartbeat p99 ${ms(heartbeat.p99Ms)} ms (target < 10 ms: ${verdict(heartbeat.p99Ms < 10)})`)
      lines.push(`${at}: ${count(pass.bytesPerHolding)} bytes per holding (target <= 1024: ${verdict(pass.bytesPerHolding <= 1024)})`)
    }
    if (largest > smallest) lines.push(...growthLines(ofStore, smallest, largest))
  }
  return lines
}

/** How much each route's p50 grew from the smallest directory to the largest (target: flat). */
function growthLines (passes: PassResult[], smallest: number, largest: number): string[] {
  const shares = [...new Set(passes.map((pass) => pass.shortShare))]
  return shares.flatMap((shortShare) => {
    const from = passes.find((pass) => pass.holdings === smallest && pass.shortShare === shortShare)
    const to = passes.find((pass) => pass.holdings === largest && pass.shortShare === shortShare)
    if (from == null || to == null) return []
    const growth = to.routes.map((load) => {
      const before = from.routes.find((candidate) => candidate.route === load.route)
      if (before == null) return ''
      const grew = load.p50Ms / Math.max(before.p50Ms, 0.001)
      return `${load.route} ${Number.isNaN(grew) ? '- (nothing answered)' : `${grew.toFixed(1)}x`}`
    }).filter((text) => text !== '')
    return [`${to.store}, ${share(shortShare)} short: p50 from ${count(smallest)} to ${count(largest)} holdings: ${growth.join(', ')}`]
  })
}
