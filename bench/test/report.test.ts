// The targets compare scenarios of one run: each is met or MISSED by the figures, and a scenario that
// did not run gives no verdict at all.
import { describe, expect, it } from 'vitest'
import type { Result } from '../lib/measure.js'
import { formatCpuTable, formatSpeedTable, issueTargets } from '../lib/report.js'
import { medianResult } from '../lib/repeats.js'

const names = { oneHolder: 'one', twoHolders: 'two', twoAtOnce: 'together', concurrency: 'many' }

function result (scenario: string, mibPerSecond: number, servicesCpuPerGiB: number, peakRssMiB: Record<string, number> = {}): Result {
  return { scenario, mibPerSecond, seconds: 1, peakRssMiB, cpuSecondsPerGiB: { pclient: servicesCpuPerGiB, client: 0.5 }, servicesCpuPerGiB }
}

describe('the benchmark\'s targets', () => {
  it('meets each target within its bound and misses it beyond', () => {
    const met = issueTargets([result('one', 100, 4), result('two', 90, 4.4), result('together', 95, 4), result('many', 80, 4, { pclient: 150, pserver: 120, bench: 400, 'peer machine': 390 })], names)
    expect(met.map((t) => t.met)).toEqual([true, true, true])
    const missed = issueTargets([result('one', 100, 4), result('two', 90, 4.5), result('together', 89, 4), result('many', 80, 4, { pclient: 151 })], names)
    expect(missed.map((t) => t.met)).toEqual([false, false, false])
    expect(missed[0]!.measured).toBe('4.50 / 4.00 = 1.13x')
  })

  it('gives no verdict for a scenario that did not run', () => {
    expect(issueTargets([result('one', 100, 4)], names)).toEqual([])
  })

  it('lists each service\'s CPU per GiB and the client\'s apart', () => {
    expect(formatCpuTable([result('two', 90, 4.4)])).toContain('| two | 4.40 | pclient 4.40 | 0.50 |')
  })

  it('reports a repeated scenario by its median speed and CPU, and the highest peak of every run', () => {
    const runs = [
      { ...result('two', 90, 5.0, { pclient: 120, pserver: 130 }), cpuSecondsPerGiB: { pclient: 5.0, client: 1 } },
      { ...result('two', 120, 4.0, { pclient: 140, pserver: 110 }), cpuSecondsPerGiB: { pclient: 4.0, client: 1 } },
      { ...result('two', 100, 4.6, { pclient: 125 }), cpuSecondsPerGiB: { pclient: 4.6, client: 1 } }
    ]
    const median = medianResult(runs)
    expect(median).toMatchObject({ mibPerSecond: 100, servicesCpuPerGiB: 4.6, cpuSecondsPerGiB: { pclient: 4.6 }, peakRssMiB: { pclient: 140, pserver: 130 } })
    expect(formatSpeedTable('run', [median])).toContain('| two | 100 (median of 3: 90, 120, 100) |')
    expect(formatCpuTable([median])).toContain('| two | 4.60 (median of 3: 5.00, 4.00, 4.60) | pclient 4.60 |')
    // One run is its own median, with nothing to note.
    expect(formatSpeedTable('run', [medianResult([runs[0]!])])).toContain('| two | 90 |  |')
  })
})
