import { describe, expect, it } from 'vitest'
import { formatBytes, parseByteSize } from '../../src/runtime/byte-size.js'

describe('formatBytes', () => {
  it('prints bytes below 1 KiB as whole bytes', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1)).toBe('1 B')
    expect(formatBytes(1023)).toBe('1023 B')
  })

  it('uses binary units with one decimal below 100 and none above', () => {
    expect(formatBytes(1024)).toBe('1.0 KiB')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(10 * 2 ** 30)).toBe('10.0 GiB')
    expect(formatBytes(300 * 2 ** 20)).toBe('300 MiB')
    expect(formatBytes(2 ** 40)).toBe('1.0 TiB')
  })

  it('moves up a unit instead of printing 1024 of one', () => {
    expect(formatBytes(2 ** 20 - 1)).toBe('1.0 MiB')
    expect(formatBytes(1023.6)).toBe('1.0 KiB')
  })

  it('prints anything that is not a size as 0 B', () => {
    expect(formatBytes(-1)).toBe('0 B')
    expect(formatBytes(Number.NaN)).toBe('0 B')
    expect(formatBytes(Number.POSITIVE_INFINITY)).toBe('0 B')
  })
})

describe('parseByteSize', () => {
  it('reads plain bytes and units', () => {
    expect(parseByteSize('1048576')).toBe(1048576)
    expect(parseByteSize('500MiB')).toBe(500 * 2 ** 20)
    expect(parseByteSize('1.5 GB')).toBe(1.5e9)
    expect(parseByteSize('1TiB')).toBe(2 ** 40)
    expect(parseByteSize('2kb')).toBe(2000)
  })

  it('refuses what is not a whole number of bytes', () => {
    expect(parseByteSize('')).toBeNull()
    expect(parseByteSize('ten')).toBeNull()
    expect(parseByteSize('5 parsecs')).toBeNull()
    expect(parseByteSize('-5')).toBeNull()
    expect(parseByteSize('0.5')).toBeNull()
    expect(parseByteSize('99999999PiB')).toBeNull()
  })

  // The pserver's cases, from when it had a parser of its own.
  it.each([
    ['0', 0],
    ['1048576', 1048576],
    ['500MiB', 500 * 2 ** 20],
    ['10GiB', 10 * 2 ** 30],
    ['10 GiB', 10 * 2 ** 30],
    ['1TB', 1e12],
    ['2kb', 2000],
    ['1.5KiB', 1536],
    ['512B', 512]
  ])('reads %j as %d bytes', (raw, bytes) => {
    expect(parseByteSize(raw)).toBe(bytes)
  })

  it.each(['', 'MiB', '-1', '10 XB', '1.2.3', '0x10', '10 GiB extra', '99999999999PiB'])('refuses %j', (raw) => {
    expect(parseByteSize(raw)).toBeNull()
  })

  it('rounds a fraction of a unit down to whole bytes', () => {
    expect(parseByteSize('1.1KiB')).toBe(1126)
    expect(parseByteSize('2.3GiB')).toBe(Math.floor(2.3 * 2 ** 30))
  })
})
