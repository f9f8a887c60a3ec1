// The memory store's sorted set answers as a Redis ZSET does: checked against a plain sorted array over
// thousands of random changes (members ordered by score, then by member; ranks, counts, walks).
import { describe, expect, it } from 'vitest'
import { compareStrings } from '../../../src/store/compare-strings.js'
import { SortedSet } from '../../../src/store/memory/sorted-set.js'
import type { SortedEntry } from '../../../src/store/memory/sorted-set.js'

/** A small deterministic generator, so a failure repeats. */
function random (seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return state / 2_147_483_648
  }
}

function sorted (model: Map<string, number>): SortedEntry[] {
  return [...model].map(([member, score]) => ({ member, score }))
    .sort((a, b) => (a.score - b.score) || compareStrings(a.member, b.member))
}

describe('SortedSet', () => {
  it('keeps members by score then member through random adds, moves and removals', () => {
    const next = random(7)
    const set = new SortedSet()
    const model = new Map<string, number>()
    for (let step = 0; step < 5000; step++) {
      const member = `m${Math.floor(next() * 400)}`
      if (next() < 0.3) {
        expect(set.delete(member)).toBe(model.delete(member))
      } else {
        const score = Math.floor(next() * 20) - 5
        set.set(member, score)
        model.set(member, score)
      }
      if (step % 250 === 0) {
        const expected = sorted(model)
        expect([...set.entries()]).toEqual(expected)
        expect(set.size).toBe(model.size)
        for (const [index, entry] of expected.entries()) expect(set.rank(entry.member)).toBe(index)
        for (const score of [-6, -5, 0, 3, 14, 15]) {
          expect(set.countBelow(score)).toBe(expected.filter((entry) => entry.score < score).length)
          expect(set.count(score, score + 4)).toBe(expected.filter((entry) => entry.score >= score && entry.score <= score + 4).length)
        }
      }
    }
  })

  it('walks from a score, or after an entry, reading only what is asked for', () => {
    const set = new SortedSet()
    for (const [member, score] of [['b', 1], ['a', 1], ['c', 2], ['d', 0], ['e', 5]] as const) set.set(member, score)
    expect([...set.entries({ fromScore: 1 })].map((entry) => entry.member)).toEqual(['a', 'b', 'c', 'e'])
    expect([...set.entries({ after: { member: 'a', score: 1 } })].map((entry) => entry.member)).toEqual(['b', 'c', 'e'])
    // After an entry that is not there: from where it would be.
    expect([...set.entries({ after: { member: 'bb', score: 1 } })].map((entry) => entry.member)).toEqual(['c', 'e'])
    const walk = set.entries()
    expect(walk.next().value).toEqual({ member: 'd', score: 0 })
    expect(set.rank('zz')).toBeNull()
    expect(set.score('c')).toBe(2)
    set.set('c', 2)
    expect(set.size).toBe(5)
  })
})
