// Byte counts for people: parsing sizes such as "500MiB" from configuration, and formatting sizes for
// pages and messages. The browser's copy of formatBytes (pclient/public/js/format.js) is tested
// against this one.

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  pb: 1e15,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  pib: 2 ** 50
}

/**
 * "1048576", "500MiB", "1.5 GB", "10 GiB", "1TiB" -> bytes; null when it is not a size or not a safe
 * whole number. Plain bytes must be whole; a fraction of a unit rounds down to whole bytes.
 */
export function parseByteSize (text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text)
  if (match == null) return null
  const unit = (match[2] ?? '').toLowerCase()
  const factor = unit === '' ? 1 : UNITS[unit]
  if (factor == null) return null
  const exact = Number(match[1]) * factor
  const bytes = unit === '' ? exact : Math.floor(exact)
  if (!Number.isSafeInteger(bytes)) return null
  return bytes
}

const FORMAT_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB']

/** 0 -> "0 B", 1536 -> "1.5 KiB", 10 * 2**30 -> "10.0 GiB", 300 * 2**20 -> "300 MiB"; not a size -> "0 B". */
export function formatBytes (bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '0 B'
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < FORMAT_UNITS.length - 1) {
    value /= 1024
    unit += 1
  }
  let text = unit === 0 ? String(Math.round(value)) : value.toFixed(1)
  // One decimal below 100 of a unit, none from 100 on (99.96 KiB is "100 KiB", not "100.0 KiB").
  if (unit > 0 && Number(text) >= 100) text = value.toFixed(0)
  // 1023.97 KiB would print as "1024 KiB" (and 1023.6 B as "1024 B"): move up a unit instead.
  if (Number(text) >= 1024 && unit < FORMAT_UNITS.length - 1) {
    unit += 1
    text = (value / 1024).toFixed(1)
  }
  return `${text} ${FORMAT_UNITS[unit] ?? 'B'}`
}
