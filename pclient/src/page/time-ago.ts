// "How long ago" for people: when a file was added, when a peer last sent a heartbeat. Relative times
// need no time zone, which the server does not know for the browser (the page's script shows the
// exact local time on hover).

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/**
 * 'just now' (under a minute), '5 min ago', '3 h ago', 'yesterday', '4 days ago', then the date
 * ('2026-01-31'). No seconds: the page redraws a part only when its HTML changed, and a label that
 * changed every few seconds would redraw it at every refresh (losing a selection or a reader's place).
 */
export function timeAgo (iso: string, now: number): string {
  const then = Date.parse(iso)
  if (!Number.isFinite(then)) return iso
  const elapsed = Math.max(0, now - then)
  if (elapsed < MINUTE) return 'just now'
  if (elapsed < HOUR) return `${Math.floor(elapsed / MINUTE)} min ago`
  if (elapsed < DAY) return `${Math.floor(elapsed / HOUR)} h ago`
  if (elapsed < 2 * DAY) return 'yesterday'
  if (elapsed < 30 * DAY) return `${Math.floor(elapsed / DAY)} days ago`
  return new Date(then).toISOString().slice(0, 10)
}
