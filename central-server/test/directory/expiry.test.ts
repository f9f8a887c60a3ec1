// The sweeper runs the directory's sweep on a real (short) timer, survives a failed sweep, and stops.
import { describe, expect, it } from 'vitest'
import { startExpirySweeper } from '../../src/directory/expiry-sweeper.js'

async function waitFor (condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

describe('startExpirySweeper', () => {
  it('sweeps on every interval, logs a failed sweep and keeps going, and stops when told', async () => {
    let sweeps = 0
    const errors: unknown[] = []
    const sweeper = startExpirySweeper({
      directory: { sweep: async () => { sweeps++; if (sweeps === 1) throw new Error('store down'); return 0 } },
      intervalMs: 10,
      log: { error: (obj: unknown) => { errors.push(obj) } }
    })
    try {
      await waitFor(() => sweeps >= 3)
      expect(errors).toHaveLength(1)
    } finally {
      sweeper.stop()
    }
    const stoppedAt = sweeps
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(sweeps).toBe(stoppedAt)
  })
})
