// The catalog's view of what a start found: names whose content is missing are dropped, and content
// named twice counts its bytes once.
import { describe, expect, it } from 'vitest'
import { createCatalog } from '../../src/store/catalog.js'
import { storeLayout } from '../../src/store/layout.js'

const A = 'a'.repeat(64)
const B = 'b'.repeat(64)
const MISSING = 'c'.repeat(64)
const PIECES_A = '1'.repeat(64)
const PIECES_B = '2'.repeat(64)

describe('catalog', () => {
  it('adopts the names whose content is on disk, and drops the others', () => {
    const catalog = createCatalog(storeLayout('/nonexistent'))
    const dropped = catalog.adopt(new Map([[A, { size: 10, piecesSha256: PIECES_A }], [B, { size: 5, piecesSha256: PIECES_B }]]), new Map([['one.txt', A], ['two.txt', A], ['lost.txt', MISSING]]))
    expect(dropped).toEqual(['lost.txt'])
    expect(catalog.list()).toEqual([{ name: 'one.txt', size: 10, sha256: A, piecesSha256: PIECES_A }, { name: 'two.txt', size: 10, sha256: A, piecesSha256: PIECES_A }])
    expect(catalog.get('lost.txt')).toBeNull()
    expect(catalog.nameCount()).toBe(2)
    // B is stored but unnamed (the scan removes such blobs before this); its bytes still count while it is there.
    expect(catalog.contentCount()).toBe(2)
    expect(catalog.storedBytes()).toBe(15)
  })

  it('finds content by its sha256 under one of its names, and knows its size', () => {
    const catalog = createCatalog(storeLayout('/nonexistent'))
    catalog.adopt(new Map([[A, { size: 10, piecesSha256: PIECES_A }]]), new Map([['one.txt', A]]))
    expect(catalog.findBySha256(A)).toEqual({ name: 'one.txt', size: 10, sha256: A, piecesSha256: PIECES_A })
    expect(catalog.findBySha256(MISSING)).toBeNull()
    expect(catalog.sizeOf(A)).toBe(10)
    expect(catalog.sizeOf(MISSING)).toBeNull()
  })
})
