// A sorted set with the semantics of a Redis ZSET, so the memory store keeps the same indexes a Redis
// store keeps and answers the same questions at the same cost: members ordered by score, then by member
// (compareStrings); insert, remove and rank in O(log n); a count by score range in O(log n); a walk from
// any point in O(log n + entries walked). It is a skip list whose links carry spans (how many entries
// each link jumps), as Redis's own zskiplist does, which is what makes rank and count logarithmic.
import { compareStrings } from '../compare-strings.js'

const MAX_LEVEL = 32
/** Chance that a node reaches the next level: 1/4, as in Redis (fewer links, same expected cost). */
const LEVEL_UP = 0.25

interface SkipNode {
  member: string
  score: number
  next: Array<SkipNode | null>
  /** span[i]: how many entries next[i] jumps over (1 to the very next node), for ranks. */
  span: number[]
}

export interface SortedEntry {
  member: string
  score: number
}

/** Where a walk starts: after this entry (exclusive), or at the first entry of this score or more. */
export type WalkStart = { after: SortedEntry } | { fromScore: number }

/** Whether node (score, member) orders strictly before (score, member). */
function before (node: SkipNode, score: number, member: string): boolean {
  return node.score < score || (node.score === score && compareStrings(node.member, member) < 0)
}

function randomLevel (): number {
  let level = 1
  while (level < MAX_LEVEL && Math.random() < LEVEL_UP) level++
  return level
}

export class SortedSet {
  private readonly head: SkipNode = { member: '', score: -Infinity, next: new Array(MAX_LEVEL).fill(null), span: new Array(MAX_LEVEL).fill(0) }
  private readonly nodes = new Map<string, SkipNode>()
  private level = 1
  // Scratch space for path(), reused by every change (each runs to its end synchronously), so a change
  // allocates only its node: at millions of changes, garbage is what costs.
  private readonly update: SkipNode[] = new Array(MAX_LEVEL).fill(this.head)
  private readonly ranks: number[] = new Array(MAX_LEVEL).fill(0)

  get size (): number {
    return this.nodes.size
  }

  has (member: string): boolean {
    return this.nodes.has(member)
  }

  score (member: string): number | undefined {
    return this.nodes.get(member)?.score
  }

  /** Adds the member, or moves it to its new score. */
  set (member: string, score: number): void {
    const existing = this.nodes.get(member)
    if (existing != null) {
      if (existing.score === score) return
      this.unlink(existing)
    }
    this.insert(member, score)
  }

  delete (member: string): boolean {
    const node = this.nodes.get(member)
    if (node == null) return false
    this.unlink(node)
    return true
  }

  /** How many entries order before the member (its 0-based position), or null when absent. */
  rank (member: string): number | null {
    const node = this.nodes.get(member)
    if (node == null) return null
    let x = this.head
    let rank = 0
    for (let i = this.level - 1; i >= 0; i--) {
      for (let next = x.next[i]; next != null && before(next, node.score, node.member); next = x.next[i]) {
        rank += x.span[i] ?? 0
        x = next
      }
    }
    return rank
  }

  /** How many entries have a score below `score` (or at most `score`, with inclusive). */
  countBelow (score: number, inclusive = false): number {
    let x = this.head
    let count = 0
    for (let i = this.level - 1; i >= 0; i--) {
      for (let next = x.next[i]; next != null && (next.score < score || (inclusive && next.score === score)); next = x.next[i]) {
        count += x.span[i] ?? 0
        x = next
      }
    }
    return count
  }

  /** How many entries have a score from `min` to `max`, both included. */
  count (min: number, max: number): number {
    return Math.max(0, this.countBelow(max, true) - this.countBelow(min))
  }

  /** The entries in order from `start` (or from the first), read lazily: stop early and pay only for what was read. */
  * entries (start?: WalkStart): Generator<SortedEntry> {
    let x = this.head
    if (start != null) {
      const [score, member, inclusive] = 'after' in start ? [start.after.score, start.after.member, true] : [start.fromScore, '', false]
      for (let i = this.level - 1; i >= 0; i--) {
        for (let next = x.next[i]; next != null && (before(next, score, member) || (inclusive && next.score === score && next.member === member)); next = x.next[i]) {
          x = next
        }
      }
    }
    for (let node = x.next[0] ?? null; node != null; node = node.next[0] ?? null) {
      yield { member: node.member, score: node.score }
    }
  }

  /** The nodes whose links must change to put (score, member) in place, and the rank at each level. */
  private path (score: number, member: string): { update: SkipNode[], ranks: number[] } {
    const { update, ranks } = this
    let x = this.head
    for (let i = this.level - 1; i >= 0; i--) {
      ranks[i] = i === this.level - 1 ? 0 : (ranks[i + 1] ?? 0)
      for (let next = x.next[i]; next != null && before(next, score, member); next = x.next[i]) {
        ranks[i] = (ranks[i] ?? 0) + (x.span[i] ?? 0)
        x = next
      }
      update[i] = x
    }
    return { update, ranks }
  }

  private insert (member: string, score: number): void {
    const { update, ranks } = this.path(score, member)
    const level = randomLevel()
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        ranks[i] = 0
        update[i] = this.head
        this.head.span[i] = this.nodes.size
      }
      this.level = level
    }
    const node: SkipNode = { member, score, next: new Array(level).fill(null), span: new Array(level).fill(0) }
    const rank0 = ranks[0] ?? 0
    for (let i = 0; i < level; i++) {
      const prev = update[i] as SkipNode
      node.next[i] = prev.next[i] ?? null
      prev.next[i] = node
      node.span[i] = (prev.span[i] ?? 0) - (rank0 - (ranks[i] ?? 0))
      prev.span[i] = rank0 - (ranks[i] ?? 0) + 1
    }
    for (let i = level; i < this.level; i++) (update[i] as SkipNode).span[i] = ((update[i] as SkipNode).span[i] ?? 0) + 1
    this.nodes.set(member, node)
  }

  private unlink (node: SkipNode): void {
    const { update } = this.path(node.score, node.member)
    for (let i = 0; i < this.level; i++) {
      const prev = update[i] as SkipNode
      if (prev.next[i] === node) {
        prev.span[i] = (prev.span[i] ?? 0) + (node.span[i] ?? 0) - 1
        prev.next[i] = node.next[i] ?? null
      } else {
        prev.span[i] = (prev.span[i] ?? 0) - 1
      }
    }
    while (this.level > 1 && this.head.next[this.level - 1] == null) this.level--
    this.nodes.delete(node.member)
  }
}
