import { describe, expect, it } from 'vitest'
import { createChangeSignal } from '../../src/transfers/change-signal.js'

describe('the change signal', () => {
  it('wakes every waiter at the next change, long before their timeouts', async () => {
    const signal = createChangeSignal()
    const started = Date.now()
    const waits = [signal.wait(60_000), signal.wait(60_000), signal.wait(60_000)]
    signal.notify()
    await Promise.all(waits)
    expect(Date.now() - started).toBeLessThan(30_000)
  })

  it('lets a wait end by its timeout, and a later change wakes only the waits still running', async () => {
    const signal = createChangeSignal()
    await signal.wait(5)
    let woken = false
    const later = signal.wait(60_000).then(() => { woken = true })
    signal.notify()
    await later
    expect(woken).toBe(true)
  })
})
