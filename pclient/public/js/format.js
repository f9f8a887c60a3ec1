// Numbers for people, in the browser: byte counts, transfer rates and durations. (The server formats
// what it renders itself; these are for values the script computes as bytes move.)

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']

/** 1536 -> '1.5 KiB', 300 * 2**20 -> '300 MiB' */
export function formatBytes (bytes) {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Math.max(0, Math.round(bytes || 0))} B`
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${value < 100 ? value.toFixed(1) : value.toFixed(0)} ${UNITS[unit]}`
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
