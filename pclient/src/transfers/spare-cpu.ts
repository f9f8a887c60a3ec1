// How much CPU this machine left unused lately, in cores: the kernel's idle time across all CPUs
// between two readings. A download spreads over more holders only when it has CPU to spare
// (spread-policy.ts): when the machine is busy, the CPU and not the holder sets the pace, and another
// holder only adds the cost of another stream to assemble and hash.
import { cpus } from 'node:os'

/** Reads the idle cores since the previous call (since the gauge was made, the first time). */
export type SpareCpuGauge = () => number

function totals (): { idle: number, all: number } {
  let idle = 0
  let all = 0
  for (const { times } of cpus()) {
    idle += times.idle
    all += times.user + times.nice + times.sys + times.idle + times.irq
  }
  return { idle, all }
}

export function createSpareCpuGauge (): SpareCpuGauge {
  const cores = Math.max(1, cpus().length)
  let last = totals()
  return () => {
    const now = totals()
    const all = now.all - last.all
    const idle = now.idle - last.idle
    last = now
    // No tick between the readings: nothing is known, so nothing is spared.
    return all > 0 ? (cores * idle) / all : 0
  }
}
