// The announcer's schedule with fake steps and a fake clock: registration retries back off (doubling
// up to the cap), heartbeats follow at the interval each step returns, and a stop ends the loop.
import { describe, expect, it } from 'vitest'
import { createSleeper, runHeartbeats } from '../../src/central/heartbeat-loop.js'
import { silentLogger } from '../helpers.js'

describe('runHeartbeats', () => {
  it('retries registration with a doubling delay up to the cap, then heartbeats at the returned intervals until stopped', async () => {
    const slept: number[] = []
    const ticks: number[] = []
    let failures = 4
    let stopped = false
    let registeredCalls = 0
    await runHeartbeats({
      register: async () => {
        if (failures-- > 0) throw new Error('the central is down')
        return 1_000
      },
      tick: async (intervalMs) => {
        ticks.push(intervalMs)
        if (ticks.length === 3) stopped = true
        return intervalMs + 1
      },
      onRegistered: () => { registeredCalls++ },
      isStopped: () => stopped,
      sleep: async (ms) => { slept.push(ms) },
      retryMs: 100,
      maxRetryMs: 500,
      logger: silentLogger
    })
    expect(slept).toEqual([100, 200, 400, 500, 1_000, 1_001, 1_002])
    expect(ticks).toEqual([1_000, 1_001, 1_002])
    expect(registeredCalls).toBe(1)
  })

  it('never ticks when stopped while sleeping before the first heartbeat', async () => {
    let stopped = false
    let ticks = 0
    await runHeartbeats({
      register: async () => 1_000,
      tick: async (intervalMs) => { ticks++; return intervalMs },
      onRegistered: () => {},
      isStopped: () => stopped,
      sleep: async () => { stopped = true },
      retryMs: 100,
      maxRetryMs: 500,
      logger: silentLogger
    })
    expect(ticks).toBe(0)
  })
})

describe('createSleeper', () => {
  it('ends a sleep at once when woken', async () => {
    const sleeper = createSleeper()
    const started = Date.now()
    const sleeping = sleeper.sleep(60_000)
    sleeper.wake()
    await sleeping
    expect(Date.now() - started).toBeLessThan(1_000)
  })
})
