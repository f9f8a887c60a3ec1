// The send-rate cap on a simulated clock: bytes are granted no faster than the rate, in the order
// they were asked for, so concurrent downloads share it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSendRate } from '../../src/grpc/send-rate.js'

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

describe('send rate', () => {
  it('grants 1000 bytes a second, whatever the chunk size, in order', async () => {
    const rate = createSendRate(1000, () => Date.now())
    const granted: string[] = []
    const ask = (who: string, bytes: number): void => { void rate.take(bytes).then(() => { granted.push(who) }) }
    // Ten 200-byte chunks from two downloads, asked for at once: 2000 bytes take about two seconds.
    for (let i = 0; i < 5; i++) { ask(`a${i}`, 200); ask(`b${i}`, 200) }
    await vi.advanceTimersByTimeAsync(0)
    expect(granted).toEqual(['a0'])
    await vi.advanceTimersByTimeAsync(1000)
    expect(granted.length).toBeGreaterThanOrEqual(5)
    expect(granted.length).toBeLessThanOrEqual(6)
    await vi.advanceTimersByTimeAsync(1000)
    expect(granted).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2', 'a3', 'b3', 'a4', 'b4'])
  })

  it('refuses a rate that is not positive', () => {
    expect(() => createSendRate(0)).toThrow(/positive/)
  })

  it('after idling, holds only a short burst: what comes beyond it is paced', async () => {
    const rate = createSendRate(1000, () => Date.now())
    await vi.advanceTimersByTimeAsync(5000)
    // The bucket refilled to its burst (50 ms worth), not to the 5 s it idled: 50 bytes go at once,
    // 100 more as soon as any credit is back, and then the debt must be repaid (about 100 ms).
    await rate.take(50)
    let second = false
    void rate.take(100).then(() => { second = true })
    await vi.advanceTimersByTimeAsync(5)
    expect(second).toBe(true)
    let granted = false
    void rate.take(1).then(() => { granted = true })
    await vi.advanceTimersByTimeAsync(60)
    expect(granted).toBe(false)
    await vi.advanceTimersByTimeAsync(60)
    expect(granted).toBe(true)
  })

  it('grants a chunk larger than the burst, and charges the time to whoever asks next', async () => {
    const rate = createSendRate(1000, () => Date.now())
    await rate.take(500)
    let granted = false
    void rate.take(1).then(() => { granted = true })
    await vi.advanceTimersByTimeAsync(400)
    expect(granted).toBe(false)
    await vi.advanceTimersByTimeAsync(200)
    expect(granted).toBe(true)
  })
})
