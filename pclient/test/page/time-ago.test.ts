import { describe, expect, it } from 'vitest'
import { timeAgo } from '../../src/page/time-ago.js'

const NOW = Date.parse('2026-03-10T12:00:00.000Z')
const ago = (ms: number): string => timeAgo(new Date(NOW - ms).toISOString(), NOW)

describe('timeAgo', () => {
  it('says how long ago, in the largest unit that fits', () => {
    expect(ago(500)).toBe('just now')
    expect(ago(12_000)).toBe('just now')
    expect(ago(59_999)).toBe('just now')
    expect(ago(5 * 60_000 + 59_000)).toBe('5 min ago')
    expect(ago(3 * 3_600_000)).toBe('3 h ago')
    expect(ago(30 * 3_600_000)).toBe('yesterday')
    expect(ago(4 * 86_400_000)).toBe('4 days ago')
  })

  it('gives the date past a month, and never a negative time for a clock a little ahead', () => {
    expect(ago(40 * 86_400_000)).toBe('2026-01-29')
    expect(ago(-5000)).toBe('just now')
  })

  it('leaves a value that is not a date as it is', () => {
    expect(timeAgo('not a date', NOW)).toBe('not a date')
  })
})
