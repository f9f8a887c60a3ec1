import { describe, expect, it } from 'vitest'
import { clientHasContent, contentRange, decideRange, entityTag } from '../../src/http/range.js'

const ETAG = entityTag('a'.repeat(64))

describe('decideRange', () => {
  it.each([
    ['bytes=0-4', { start: 0, end: 5 }],
    ['bytes=5-', { start: 5, end: 10 }],
    ['bytes=-3', { start: 7, end: 10 }],
    ['bytes=-20', { start: 0, end: 10 }],
    ['bytes=8-100', { start: 8, end: 10 }],
    ['bytes=0-1,2-3', { start: 0, end: 4 }],
    ['BYTES=2-2', { start: 2, end: 3 }]
  ])('serves %j of a 10-byte file as the bytes %j', (range, expected) => {
    expect(decideRange({ range }, 10, ETAG)).toEqual({ kind: 'partial', range: expected })
  })

  it.each(['bytes=10-', 'bytes=-0', 'bytes=20-30'])('finds %j unsatisfiable for a 10-byte file', (range) => {
    expect(decideRange({ range }, 10, ETAG)).toEqual({ kind: 'unsatisfiable' })
  })

  it('finds every range of an empty file unsatisfiable', () => {
    expect(decideRange({ range: 'bytes=0-' }, 0, ETAG)).toEqual({ kind: 'unsatisfiable' })
  })

  // An invalid range set (first byte after last, in any of its ranges) is ignored, not unsatisfiable (RFC 9110, 14.1.1).
  it.each([undefined, '', 'bytes=0-1,5-6', 'items=0-1', 'garbage', 'bytes=a-b', 'bytes=5-2', 'bytes=0-1,9-3', 'bytes=20-10'])('serves the whole file for the Range %j', (range) => {
    expect(decideRange({ range }, 10, ETAG)).toEqual({ kind: 'whole' })
  })

  it('honours If-Range only with the same strong tag', () => {
    expect(decideRange({ range: 'bytes=5-', ifRange: ETAG }, 10, ETAG)).toEqual({ kind: 'partial', range: { start: 5, end: 10 } })
    expect(decideRange({ range: 'bytes=5-', ifRange: entityTag('b'.repeat(64)) }, 10, ETAG)).toEqual({ kind: 'whole' })
    expect(decideRange({ range: 'bytes=5-', ifRange: `W/${ETAG}` }, 10, ETAG)).toEqual({ kind: 'whole' })
    expect(decideRange({ range: 'bytes=5-', ifRange: 'Wed, 21 Oct 2015 07:28:00 GMT' }, 10, ETAG)).toEqual({ kind: 'whole' })
  })

  it('writes the Content-Range of a partial answer', () => {
    expect(contentRange({ start: 5, end: 10 }, 10)).toBe('bytes 5-9/10')
  })
})

describe('clientHasContent (If-None-Match)', () => {
  it.each([ETAG, `W/${ETAG}`, '*', ` "x", ${ETAG} `])('matches %j', (header) => {
    expect(clientHasContent(header, ETAG)).toBe(true)
  })

  it.each([undefined, '', entityTag('b'.repeat(64)), 'a'.repeat(64), `"x", "y"`])('does not match %j', (header) => {
    expect(clientHasContent(header, ETAG)).toBe(false)
  })
})
