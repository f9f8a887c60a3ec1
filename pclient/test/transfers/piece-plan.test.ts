import { describe, expect, it } from 'vitest'
import { coveringPieces, pieceBytes, pieceCount, piecesBytes } from '../../src/transfers/piece-plan.js'

describe('piece plan', () => {
  it('counts pieces, the last one possibly short, none for an empty file', () => {
    expect(pieceCount(0, 10)).toBe(0)
    expect(pieceCount(10, 10)).toBe(1)
    expect(pieceCount(11, 10)).toBe(2)
    expect(pieceBytes(1, 25, 10)).toEqual({ start: 10, end: 20 })
    expect(pieceBytes(2, 25, 10)).toEqual({ start: 20, end: 25 })
  })

  it.each([
    [{ start: 0, end: 25 }, { first: 0, end: 3 }, { start: 0, end: 25 }],
    [{ start: 10, end: 20 }, { first: 1, end: 2 }, { start: 10, end: 20 }],
    [{ start: 9, end: 11 }, { first: 0, end: 2 }, { start: 0, end: 20 }],
    [{ start: 24, end: 25 }, { first: 2, end: 3 }, { start: 20, end: 25 }],
    [{ start: 0, end: 0 }, { first: 0, end: 0 }, { start: 0, end: 0 }]
  ])('covers the bytes %j of a 25-byte file with the pieces %j, fetched as %j', (range, pieces, fetched) => {
    expect(coveringPieces(range, 10)).toEqual(pieces)
    expect(piecesBytes(pieces, 25, 10)).toEqual(fetched)
  })
})
