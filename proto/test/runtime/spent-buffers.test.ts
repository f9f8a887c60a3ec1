import { describe, expect, it } from 'vitest'
import { markSentAsViews, releaseWithLastView } from '../../src/runtime/spent-buffers.js'

const READ_BYTES = 1024 * 1024
const freed = (bytes: Uint8Array): boolean => bytes.buffer.byteLength === 0

describe('a buffer sent as views', () => {
  it('is freed when its last view was copied, not before', () => {
    const read = Buffer.allocUnsafeSlow(READ_BYTES).fill(7)
    markSentAsViews(read)
    const quarter = READ_BYTES / 4
    for (let at = 0; at < READ_BYTES - quarter; at += quarter) {
      releaseWithLastView(read.subarray(at, at + quarter))
      expect(freed(read)).toBe(false)
    }
    releaseWithLastView(read.subarray(READ_BYTES - quarter))
    expect(freed(read)).toBe(true)
  })

  it('is left to the collector when not marked, not its own buffer, or too small to matter', () => {
    const unmarked = Buffer.allocUnsafeSlow(READ_BYTES)
    releaseWithLastView(unmarked)
    const whole = Buffer.allocUnsafeSlow(READ_BYTES + 16)
    const part = whole.subarray(16)
    markSentAsViews(part)
    releaseWithLastView(part)
    const small = Buffer.allocUnsafeSlow(4096)
    markSentAsViews(small)
    releaseWithLastView(small)
    expect([unmarked, whole, small].filter(freed)).toHaveLength(0)
  })
})
