// Cursors are opaque but checked: one this central did not give is a validation error; and a filter is
// a set of lower-cased words.
import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor, searchWords } from '../../src/directory/paging.js'

describe('cursors', () => {
  it('give back the key they were made from, whatever its characters', () => {
    for (const key of ['a.txt', 'résumé (final).pdf', 'a%20b#c?.txt', '日本語 ファイル', 'é'.repeat(127)]) {
      expect(decodeCursor(encodeCursor(key))).toBe(key)
    }
    expect(decodeCursor(undefined)).toBeUndefined()
  })

  it('refuse a cursor that no page could have given', () => {
    for (const cursor of ['!!!', 'YQ=', 'a b', '_w']) {
      expect(() => decodeCursor(cursor), cursor).toThrow(expect.objectContaining({ code: 'CENTRAL_VALIDATION' }))
    }
  })
})

describe('searchWords', () => {
  it('splits on white space and lower-cases', () => {
    expect(searchWords('  Holiday  PHOTOS\t2026 ')).toEqual(['holiday', 'photos', '2026'])
    expect(searchWords('')).toEqual([])
    expect(searchWords(undefined)).toEqual([])
  })
})
