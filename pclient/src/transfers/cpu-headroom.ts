// Whether this process could move bytes faster than it does: the CPU this machine left unused lately
// (the kernel's idle time across all CPUs, in cores) and how busy this process's event loop was. A
// download spreads over more holders only with headroom (spread-policy.ts): when this machine's CPU
// is spent and the loop is busy, the CPU and not the holder sets the pace, and another holder would
// only add the cost of another stream to assemble and hash. A loop that mostly waits means the bytes
// are what it waits for, however busy other processes keep the machine.
import { cpus } from 'node:os'
import { performance } from 'node:perf_hooks'

export interface CpuHeadroom {
  /** Idle CPU since the last reading, in cores. */
  spareCores: number
  /** The share of that time this process's event loop was busy (0 to 1). */
  loopBusy: number
}

/** Reads the headroom since the previous call (since the gauge was made, the first time). */
export type CpuHeadroomGauge = () => CpuHeadroom

function cpuTimes (): { idle: number, all: number } {
  let idle = 0
  let all = 0
  for (const { times } of cpus()) {
    idle += times.idle
    all += times.user + times.nice + times.sys + times.idle + times.irq
  }
  return { idle, all }
}

export function createCpuHeadroomGauge (): CpuHeadroomGauge {
  const cores = Math.max(1, cpus().length)
  let last = cpuTimes()
  let loop = performance.eventLoopUtilization()
  return () => {
    const now = cpuTimes()
    const all = now.all - last.all
    const idle = now.idle - last.idle
    last = now
    const loopNow = performance.eventLoopUtilization()
    const loopBusy = performance.eventLoopUtilization(loopNow, loop).utilization
    loop = loopNow
    // No tick between the readings: nothing is known of the machine, so nothing counts as spare.
    return { spareCores: all > 0 ? (cores * idle) / all : 0, loopBusy }
  }
}
