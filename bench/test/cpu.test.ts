// The benchmark's CPU figures come from the kernel's accounting: a process that burns CPU shows it,
// and a child the benchmark waited for (curl) counts on the benchmark's own side.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { describe, expect, it } from 'vitest'
import { cpuSeconds, meterCpu, ownCpuSeconds } from '../lib/cpu.js'

/** A child that spins until it has used `ms` of CPU time itself (not of wall time: the machine is shared). */
const BURN = (ms: number): string => `const s = process.cpuUsage(); while ((process.cpuUsage(s).user + process.cpuUsage(s).system) / 1000 < ${ms}) {}`

describe('CPU accounting', () => {
  it('counts the CPU time of a process that burns it, and nothing once it has exited', async () => {
    const child = spawn(process.execPath, ['-e', `${BURN(300)}; setInterval(() => {}, 1000)`], { stdio: 'ignore' })
    try {
      const meter = await meterCpu({ burner: child.pid! })
      let spent = 0
      for (let tries = 0; tries < 100 && spent < 0.3; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        spent = (await cpuSeconds(child.pid!)) ?? 0
      }
      expect(spent).toBeGreaterThanOrEqual(0.29)
      expect((await meter.stop()).burner).toBeGreaterThanOrEqual(0.2)
    } finally {
      child.kill('SIGKILL')
      await once(child, 'exit')
    }
    expect(await cpuSeconds(child.pid!)).toBeUndefined()
  })

  it('counts a child the benchmark waited for on its own side', async () => {
    const before = await ownCpuSeconds()
    const child = spawn(process.execPath, ['-e', BURN(300)], { stdio: 'ignore' })
    await once(child, 'exit')
    expect(await ownCpuSeconds() - before).toBeGreaterThanOrEqual(0.29)
  })
})
