// The stores' one string order is the order of UTF-8 bytes (what Redis compares), not JavaScript's
// UTF-16 code-unit order, which differs where a character above U+FFFF meets one from U+E000 to U+FFFF.
import { describe, expect, it } from 'vitest'
import { compareStrings } from '../../src/store/compare-strings.js'

const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))

describe('compareStrings', () => {
  it('orders by UTF-8 bytes where code units would not', () => {
    // U+1F600 (a surrogate pair) after U+FF46: code points and bytes say so, code units say the opposite.
    expect('😀' < 'ｆ').toBe(true)
    expect(compareStrings('😀', 'ｆ')).toBe(1)
    expect(compareStrings('a😀b', 'aｆ')).toBe(1)
    expect(compareStrings('', 'a')).toBe(-1)
    expect(compareStrings('ab', 'ab')).toBe(0)
  })

  it('agrees with a byte comparison on random strings from every plane', () => {
    const alphabet = ['a', 'Z', 'é', '日', '\uD7FF', '\uE000', 'ｆ', '\uFFFD', '😀', '𝄞', '\u{10FFFF}']
    let state = 11
    const pick = (): string => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
      return alphabet[state % alphabet.length] ?? 'a'
    }
    const word = (): string => Array.from({ length: 1 + (state % 4) }, pick).join('')
    for (let i = 0; i < 2000; i++) {
      const a = word()
      const b = word()
      expect(Math.sign(compareStrings(a, b)), `${a} vs ${b}`).toBe(Math.sign(byBytes(a, b)))
    }
  })
})
