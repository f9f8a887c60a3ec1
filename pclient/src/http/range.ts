// What a download request's Range and If-Range headers (RFC 9110, section 14) ask of a file of `size`
// bytes: the whole file (200), one byte range (206), or nothing it can satisfy (416); and whether its
// If-None-Match says the client has the content already (304). Parsing is
// range-parser's; this module only applies the policy. Several ranges are answered with the whole file
// (200), which RFC 9110 allows and every client handles, rather than with multipart/byteranges.
import parseRange from 'range-parser'
import type { ByteRange } from '../transfers/piece-plan.js'

export type RangeDecision =
  | { kind: 'whole' }
  | { kind: 'partial', range: ByteRange }
  | { kind: 'unsatisfiable' }

export interface RangeHeaders {
  range?: string | undefined
  ifRange?: string | undefined
}

/** A suffix range `bytes=-N` with N > 0: RFC 9110 serves a file shorter than N whole, range-parser 1.x calls it unsatisfiable. */
const NON_ZERO_SUFFIX = /^bytes=\s*-\s*0*[1-9]\d*\s*$/

/** Range units other than bytes are ignored (RFC 9110, 14.2); unit names are case-insensitive. */
const BYTES_UNIT = /^\s*bytes\s*=/i

/**
 * One range-spec of a bytes range set: `first-last` (last at least first), `first-`, or `-suffix`.
 * A set with any other spec in it is invalid, and an invalid Range is ignored (RFC 9110, 14.1.1 and
 * 14.2): `bytes=5-2` gets the whole file, not 416, which is only for valid ranges beyond the end.
 */
const RANGE_SPEC = /^\s*(?:(\d+)\s*-\s*(\d*)|-\s*\d+)\s*$/

function isValidRangeSet (spec: string): boolean {
  const specs = spec.replace(BYTES_UNIT, '').split(',')
  return specs.every((one) => {
    const match = RANGE_SPEC.exec(one)
    if (match == null) return false
    const [, first, last] = match
    return first == null || last == null || last === '' || BigInt(first) <= BigInt(last)
  })
}

/** The strong entity tag of a file's content: its SHA-256, which changes whenever one byte does. */
export function entityTag (sha256: string): string {
  return `"${sha256}"`
}

/**
 * Whether If-None-Match says the client already has this content (RFC 9110, 13.1.2): `*`, or a list
 * holding this tag, compared weakly (W/ ignored), as the RFC asks for this header. A GET or HEAD is
 * then answered 304 Not Modified, before any Range is looked at.
 */
export function clientHasContent (ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch == null) return false
  if (ifNoneMatch.trim() === '*') return true
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
}

export function decideRange (headers: RangeHeaders, size: number, etag: string): RangeDecision {
  if (headers.range == null || headers.range === '') return { kind: 'whole' }
  // A range is only good for the content the client already has part of; strong comparison, so a weak
  // tag or a date (we send no Last-Modified) never matches and the client gets the whole file again.
  if (headers.ifRange != null && headers.ifRange.trim() !== etag) return { kind: 'whole' }
  if (!BYTES_UNIT.test(headers.range)) return { kind: 'whole' }
  const spec = headers.range.replace(BYTES_UNIT, 'bytes=').trim()
  if (!isValidRangeSet(spec)) return { kind: 'whole' }
  const ranges = parseRange(size, spec, { combine: true })
  if (ranges === -2) return { kind: 'whole' } // malformed: ignored, as RFC 9110 allows
  if (ranges === -1) {
    if (size > 0 && NON_ZERO_SUFFIX.test(spec)) return { kind: 'partial', range: { start: 0, end: size } }
    return { kind: 'unsatisfiable' }
  }
  if (ranges.length !== 1) return { kind: 'whole' }
  const [only] = ranges
  if (only == null) return { kind: 'whole' }
  return { kind: 'partial', range: { start: only.start, end: only.end + 1 } }
}

/** The Content-Range of a 206 answer: `bytes first-last/size`. */
export function contentRange (range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end - 1}/${size}`
}
