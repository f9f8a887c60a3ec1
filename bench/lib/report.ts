// The benchmark's tables: speed against the baselines of the same run, the CPU each process spent per
// GiB, and the targets of issue 17 (CPU of a download the page's own peer holds, two downloads at
// once, memory under concurrency), each marked met or MISSED.
import type { Result } from './measure.js'
import { spreadNote } from './repeats.js'

/** Peak RSS every service stays under while several transfers run through one peer at once (MiB). */
const CONCURRENT_PEAK_MIB = 150
/** A download the page's peer holds may cost at most this much more CPU per GiB than one with one holder. */
const CPU_SLACK = 1.1

export function formatSpeedTable (heading: string, results: Result[]): string {
  const rows = results.map((r) => {
    const ratio = r.ratio == null ? '' : `${r.ratio.value.toFixed(2)}x${r.ratio.target != null ? ` (target ${r.ratio.target}x${r.ratio.value >= r.ratio.target ? ', met' : ', MISSED'})` : ''}`
    const rss = Object.entries(r.peakRssMiB).map(([label, mib]) => `${label} ${mib}`).join(', ')
    return `| ${r.scenario} | ${r.mibPerSecond}${spreadNote(r, 'mibPerSecond')} | ${ratio} | ${rss} |`
  })
  return [heading, '', '| path | MiB/s | vs baseline | peak RSS (MiB) |', '|---|---:|---|---|', ...rows].join('\n')
}

export function formatCpuTable (results: Result[]): string {
  const rows = results.map((r) => {
    const each = Object.entries(r.cpuSecondsPerGiB).filter(([label]) => label !== 'client').map(([label, seconds]) => `${label} ${seconds.toFixed(2)}`).join(', ')
    return `| ${r.scenario} | ${r.servicesCpuPerGiB.toFixed(2)}${spreadNote(r, 'servicesCpuPerGiB')} | ${each} | ${(r.cpuSecondsPerGiB.client ?? 0).toFixed(2)} |`
  })
  return ['| path | services CPU-s/GiB | per service | client (bench, curl) |', '|---|---:|---|---:|', ...rows].join('\n')
}

export interface Target {
  what: string
  measured: string
  target: string
  met: boolean
}

/** The targets that compare scenarios of one run with each other (the speed ratios are in the speed table). */
export function issueTargets (results: Result[], names: { oneHolder: string, twoHolders: string, twoAtOnce: string, concurrency: string }): Target[] {
  const find = (scenario: string): Result | undefined => results.find((r) => r.scenario === scenario)
  const targets: Target[] = []
  const one = find(names.oneHolder)
  const two = find(names.twoHolders)
  if (one != null && two != null) {
    const ratio = two.servicesCpuPerGiB / one.servicesCpuPerGiB
    targets.push({
      what: 'CPU per GiB, the page\'s peer and one more hold the file, against one holder',
      measured: `${two.servicesCpuPerGiB.toFixed(2)} / ${one.servicesCpuPerGiB.toFixed(2)} = ${ratio.toFixed(2)}x`,
      target: `≤ ${CPU_SLACK}x`,
      met: ratio <= CPU_SLACK
    })
  }
  const together = find(names.twoAtOnce)
  if (two != null && together != null) {
    const ratio = together.mibPerSecond / two.mibPerSecond
    targets.push({ what: 'two downloads at once, total MiB/s against one alone', measured: `${together.mibPerSecond} / ${two.mibPerSecond} = ${ratio.toFixed(2)}x`, target: '≥ 1.0x', met: ratio >= 1 })
  }
  const many = find(names.concurrency)
  if (many != null) {
    const services = Object.entries(many.peakRssMiB).filter(([label]) => label !== 'bench' && !label.startsWith('peer machine'))
    const highest = Math.max(...services.map(([, mib]) => mib))
    targets.push({
      what: 'peak RSS of every service, four downloads and two uploads at once',
      measured: services.map(([label, mib]) => `${label} ${mib}`).join(', '),
      target: `each ≤ ${CONCURRENT_PEAK_MIB} MiB`,
      met: highest <= CONCURRENT_PEAK_MIB
    })
  }
  return targets
}

export function formatTargets (targets: Target[]): string {
  return ['| target | measured | wanted | |', '|---|---|---|---|', ...targets.map((t) => `| ${t.what} | ${t.measured} | ${t.target} | ${t.met ? 'met' : 'MISSED'} |`)].join('\n')
}
