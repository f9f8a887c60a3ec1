// Numbers for people, in the browser: byte counts, transfer rates and durations. (The server formats
// what it renders itself; these are for values the script computes as bytes move.)

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB']

/**
 * 1536 -> '1.5 KiB', 300 * 2**20 -> '300 MiB'; not a size -> '0 B'. The same as the server's formatBytes
 * (proto/src/runtime/byte-size.ts); pclient/test/browser-format.test.ts holds them to one table.
 */
export function formatBytes (bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) return '0 B'
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit += 1
  }
  let text = unit === 0 ? String(Math.round(value)) : value.toFixed(1)
  // One decimal below 100 of a unit, none from 100 on (99.96 KiB is "100 KiB", not "100.0 KiB").
  if (unit > 0 && Number(text) >= 100) text = value.toFixed(0)
  // 1023.97 KiB would print as "1024 KiB" (and 1023.6 B as "1024 B"): move up a unit instead.
  if (Number(text) >= 1024 && unit < UNITS.length - 1) {
    unit += 1
    text = (value / 1024).toFixed(1)
  }
  return `${text} ${UNITS[unit]}`
}

/** 75 -> '1 min 15 s', 4000 -> '1 h 7 min' */
export function formatDuration (seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '…'
  const s = Math.ceil(seconds)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 > 0 ? ` ${s % 60} s` : ''}`
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
}

/**
 * A transfer's speed, smoothed so the number people read does not jump with every progress event
 * (an exponential moving average over samples at least 250 ms apart).
 */
export function createRateMeter () {
  let rate = 0
  let lastBytes = 0
  let lastTime = performance.now()
  return {
    sample (bytes) {
      const now = performance.now()
      const elapsed = now - lastTime
      if (elapsed < 250) return rate
      const current = ((bytes - lastBytes) * 1000) / elapsed
      rate = rate === 0 ? current : rate * 0.7 + current * 0.3
      lastBytes = bytes
      lastTime = now
      return rate
    }
  }
}
