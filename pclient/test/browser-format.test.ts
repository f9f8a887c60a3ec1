// The page's script formats byte counts with its own copy of formatBytes (public/js/format.js: plain
// JavaScript served as it is, no build step). Both copies must print every size alike, so the numbers
// the server renders and those the script updates never disagree.
import { formatBytes } from '@p2p/proto'
import { describe, expect, it } from 'vitest'

interface BrowserFormat {
  formatBytes: (bytes: number) => string
}

// A computed specifier: the browser module has no type declarations, and needs none here.
const browserModule = new URL('../public/js/format.js', import.meta.url).href
const browser = await import(browserModule) as BrowserFormat

const KiB = 1024
const MiB = KiB ** 2
const GiB = KiB ** 3

const SIZES: Array<[number, string]> = [
  [0, '0 B'],
  [1, '1 B'],
  [1023, '1023 B'],
  [1023.4, '1023 B'],
  [1023.6, '1.0 KiB'],
  [KiB, '1.0 KiB'],
  [1536, '1.5 KiB'],
  [99.94 * KiB, '99.9 KiB'],
  [99.96 * KiB, '100 KiB'],
  [1023.4 * KiB, '1023 KiB'],
  [1023.97 * KiB, '1.0 MiB'],
  [MiB - 1, '1.0 MiB'],
  [300 * MiB, '300 MiB'],
  [1023.97 * MiB, '1.0 GiB'],
  [10 * GiB, '10.0 GiB'],
  [1023.97 * GiB, '1.0 TiB'],
  [KiB ** 4, '1.0 TiB'],
  [KiB ** 5, '1.0 PiB'],
  [KiB ** 6, '1.0 EiB'],
  [2048 * KiB ** 6, '2048 EiB'],
  [-1, '0 B'],
  [Number.NaN, '0 B'],
  [Number.POSITIVE_INFINITY, '0 B']
]

describe('formatBytes in the browser and on the server', () => {
  it.each(SIZES)('prints %d as %j in both', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
    expect(browser.formatBytes(bytes)).toBe(text)
  })
})
