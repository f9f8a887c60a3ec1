// What every benchmark scenario shares: generated source files, timing with peak memory, hash checks.
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { pipeline } from 'node:stream/promises'
import { meterCpu } from './cpu.js'
import { sampleRss } from './rss-sampler.js'

/** The services that share one peer machine, whose memory counts together. */
export const PEER_MACHINE = 'peer machine'
const PEER_MACHINE_GROUP = { [PEER_MACHINE]: ['pserver', 'pclient', 'proxy'] }

export const MiB = 1024 * 1024

export interface Result {
  scenario: string
  mibPerSecond: number
  seconds: number
  peakRssMiB: Record<string, number>
  /** CPU-seconds (user + system) per GiB moved, of each process and of the benchmark's own side ('client'). */
  cpuSecondsPerGiB: Record<string, number>
  /** The services' CPU-seconds per GiB together (the client's not counted). */
  servicesCpuPerGiB: number
  /** For downloads through a page: pieces each holder served (so far, in that network). */
  piecesFrom?: Record<string, number>
  /** For a scenario run several times (repeats.ts): every run's speed and CPU; the row holds their medians. */
  repeats?: Array<{ mibPerSecond: number, servicesCpuPerGiB: number }>
  /** Throughput relative to the named baseline of the same run. */
  ratio?: { baseline: string, value: number, target?: number }
}

/** Writes `size` random bytes (1 MiB at a time: one block repeated would compress, unlike real files); answers their sha256. */
export async function makeSourceFile (filePath: string, size: number): Promise<string> {
  const hash = createHash('sha256')
  const out = createWriteStream(filePath)
  for (let left = size; left > 0; left -= MiB) {
    const block = randomBytes(Math.min(MiB, left))
    hash.update(block)
    if (!out.write(block)) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
  return hash.digest('hex')
}

export async function sha256Of (filePath: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(filePath), hash)
  return hash.digest('hex')
}

export function expectHash (actual: string, expected: string, what: string): void {
  if (actual !== expected) throw new Error(`${what}: sha256 ${actual} does not match the source ${expected}`)
}

const GiB = 1024 * MiB
const round2 = (value: number): number => Math.round(value * 100) / 100

/**
 * Times one transfer (or several at once: `size` is then every byte they move together), samples the
 * memory and counts the CPU time of the given processes, and checks the bytes that arrived.
 */
export async function measure (scenario: string, size: number, pids: Record<string, number>, run: () => Promise<void>, verify: () => Promise<void>): Promise<Result> {
  const sampler = sampleRss({ ...pids, bench: process.pid }, PEER_MACHINE_GROUP)
  const cpu = await meterCpu(pids)
  const started = process.hrtime.bigint()
  await run()
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const cpuSeconds = await cpu.stop()
  const peakRssMiB = await sampler.stop()
  await verify()
  const cpuSecondsPerGiB = Object.fromEntries(Object.entries(cpuSeconds).map(([label, spent]) => [label, round2(spent / (size / GiB))]))
  const servicesCpu = Object.entries(cpuSeconds).filter(([label]) => label !== 'client').reduce((sum, [, spent]) => sum + spent, 0)
  const result = {
    scenario,
    mibPerSecond: Math.round((size / MiB / seconds) * 10) / 10,
    seconds: round2(seconds),
    peakRssMiB,
    cpuSecondsPerGiB,
    servicesCpuPerGiB: round2(servicesCpu / (size / GiB))
  }
  process.stderr.write(`  ${scenario}: ${result.mibPerSecond} MiB/s, services ${result.servicesCpuPerGiB} CPU-s/GiB\n`)
  return result
}
