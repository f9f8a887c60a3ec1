// The memory targets of the shipped services: each one idles at 70 MiB RSS or less, none peaks above
// 150 MiB while a file goes up and down through a peer, and a whole peer machine (pserver + pclient +
// proxy, sampled together) stays under 400 MiB. The figures come from the runs' own samples. The
// machine's figure counts each page its three services share once (their one Node binary: about 50 MiB
// of each one's RSS), as the machine holds them (shared-pages.ts); the plain sum of their RSS, which
// counts that binary three times, is shown beside it.
import { setTimeout as sleep } from 'node:timers/promises'
import { sampleRss, sharedOnceLabel } from './rss-sampler.js'
import { PEER_MACHINE } from './measure.js'
import type { Result } from './measure.js'

const IDLE_MIB = 70
const PEAK_MIB = 150
const MACHINE_MIB = 400

export interface MemoryRow {
  what: string
  idleMiB?: number
  peakMiB: number
  targets: string
}

/**
 * Each process's RSS once it has settled after starting: the highest of a second's samples, 12 s after
 * the network started. Not sooner: a pserver's RSS rises about 10 MiB at its first heartbeat (5 s in, by
 * default), which a sample at 3 s, as this took before 2026-12-06, did not see; and every service
 * settles its heap once quiet for 5 s (proto/src/runtime/garbage-pacer.ts).
 */
export async function measureIdle (pids: Record<string, number>, settleMs = 12_000): Promise<Record<string, number>> {
  await sleep(settleMs)
  const sampler = sampleRss(pids)
  await sleep(1000)
  return await sampler.stop()
}

function verdict (value: number, limit: number, strict: boolean): string {
  const met = strict ? value < limit : value <= limit
  return `${strict ? '<' : '≤'} ${limit}: ${met ? 'met' : 'MISSED'}`
}

/** One row per service and one for the peer machine, from the idle figures and the scenarios' peaks. */
export function memoryRows (idle: Record<string, number>, scenarios: Result[]): MemoryRow[] {
  const peakOf = (label: string): number => Math.max(0, ...scenarios.map((r) => r.peakRssMiB[label] ?? 0))
  const rows: MemoryRow[] = Object.keys(idle).map((service) => {
    const idleMiB = idle[service]!
    const peakMiB = Math.max(idleMiB, peakOf(service))
    return { what: service, idleMiB, peakMiB, targets: `idle ${verdict(idleMiB, IDLE_MIB, false)}; peak ${verdict(peakMiB, PEAK_MIB, false)}` }
  })
  const summed = peakOf(PEER_MACHINE)
  const machine = peakOf(sharedOnceLabel(PEER_MACHINE))
  rows.push({ what: `${PEER_MACHINE} (pserver + pclient + proxy), RSS summed`, peakMiB: summed, targets: 'counts the Node binary the three share three times' })
  rows.push({ what: `${PEER_MACHINE}, each shared page once`, peakMiB: machine, targets: `peak ${verdict(machine, MACHINE_MIB, true)}` })
  return rows
}

export function formatMemoryTable (rows: MemoryRow[]): string {
  return [
    '| service | idle RSS (MiB) | peak RSS moving the file (MiB) | targets |',
    '|---|---:|---:|---|',
    ...rows.map((row) => `| ${row.what} | ${row.idleMiB ?? ''} | ${row.peakMiB} | ${row.targets} |`)
  ].join('\n')
}
