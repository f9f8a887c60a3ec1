// Decides between the HTML page and JSON for one request from its Accept header, so browsers get pages
// and redirects while scripts (curl, fetch, a CLI) get JSON bodies and status codes.

interface MediaRange { type: string, subtype: string, q: number }

/**
 * HTML only when the Accept header names text/html (or text/*) and ranks it at least as high as
 * application/json; anything else (no header, `*\/*`, application/json) gets JSON.
 */
export function prefersHtml (accept: string | undefined): boolean {
  if (accept == null) return false
  const ranges = parseAccept(accept)
  const html = ranges.filter((r) => r.type === 'text' && (r.subtype === 'html' || r.subtype === '*'))
  if (html.length === 0) return false
  const htmlQ = quality(ranges, 'text', 'html')
  return htmlQ > 0 && htmlQ >= quality(ranges, 'application', 'json')
}

/** The q of the most specific range matching type/subtype (0 when none does). */
function quality (ranges: MediaRange[], type: string, subtype: string): number {
  const exact = ranges.find((r) => r.type === type && r.subtype === subtype)
  const typeWide = ranges.find((r) => r.type === type && r.subtype === '*')
  const any = ranges.find((r) => r.type === '*' && r.subtype === '*')
  return (exact ?? typeWide ?? any)?.q ?? 0
}

function parseAccept (accept: string): MediaRange[] {
  const ranges: MediaRange[] = []
  // Bounded: a hostile header cannot make this loop long.
  for (const part of accept.split(',').slice(0, 50)) {
    const [range = '', ...params] = part.split(';')
    const [type, subtype] = range.trim().toLowerCase().split('/')
    if (type == null || type === '' || subtype == null || subtype === '') continue
    let q = 1
    for (const param of params) {
      const [key, value] = param.split('=').map((s) => s.trim())
      if (key === 'q' && value != null) {
        const parsed = Number(value)
        q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0
      }
    }
    ranges.push({ type, subtype, q })
  }
  return ranges
}
