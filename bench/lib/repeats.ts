// A scenario measured several times and reported as one row: the median speed, the median CPU per GiB
// (with each process's CPU from that run), and the highest peak of every process over all runs. The
// targets of issue 17 compare scenarios with each other (two holders against one, two downloads at once
// against one), and one 1 GiB download swings by 20% between runs on this shared 2-core machine: with
// one run each, the CPU ratio of unchanged code read 0.83x-1.19x and the two-at-once ratio 0.85x-1.06x.
import type { Result } from './measure.js'

/** How often the compared scenarios run (odd, so the median is one of the runs). */
export const REPEATS = 3

/** The run in the middle of `runs` by `key`. */
function middle (runs: readonly Result[], key: (run: Result) => number): Result {
  return [...runs].sort((a, b) => key(a) - key(b))[Math.floor(runs.length / 2)]!
}

export function medianResult (runs: readonly Result[]): Result {
  if (runs.length === 0) throw new Error('no run to take the median of')
  if (runs.length === 1) return runs[0]!
  const byCpu = middle(runs, (run) => run.servicesCpuPerGiB)
  const bySpeed = middle(runs, (run) => run.mibPerSecond)
  const peakRssMiB: Record<string, number> = {}
  for (const run of runs) {
    for (const [label, mib] of Object.entries(run.peakRssMiB)) peakRssMiB[label] = Math.max(peakRssMiB[label] ?? 0, mib)
  }
  return {
    ...byCpu,
    mibPerSecond: bySpeed.mibPerSecond,
    seconds: bySpeed.seconds,
    peakRssMiB,
    repeats: runs.map((run) => ({ mibPerSecond: run.mibPerSecond, servicesCpuPerGiB: run.servicesCpuPerGiB }))
  }
}

/** Runs `measureOnce` REPEATS times (one after the other) and reports the median row. */
export async function measureRepeated (measureOnce: () => Promise<Result>): Promise<Result> {
  const runs: Result[] = []
  for (let run = 0; run < REPEATS; run++) runs.push(await measureOnce())
  return medianResult(runs)
}

/** How a repeated row's figures spread, for the tables: ' (median of 3: a, b, c)'. */
export function spreadNote (result: Result, figure: 'mibPerSecond' | 'servicesCpuPerGiB'): string {
  if (result.repeats == null) return ''
  const values = result.repeats.map((run) => figure === 'mibPerSecond' ? String(run.mibPerSecond) : run.servicesCpuPerGiB.toFixed(2))
  return ` (median of ${values.length}: ${values.join(', ')})`
}
