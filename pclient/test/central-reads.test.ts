// The page's central reads are shared for a moment: one request for a burst of callers, a fresh one
// after the moment or an invalidation, and failures are never kept. A snapshot (what the page shows)
// falls back on the last answer when the central fails or stays silent.
import type { CentralClient } from '@p2p/proto'
import { describe, expect, it } from 'vitest'
import { KEPT_QUERIES, shareCentralReads } from '../src/central-reads.js'

function countingCentral (): { central: CentralClient, calls: () => number, fail: (value: boolean) => void } {
  let calls = 0
  let failing = false
  const central = {
    listFiles: async () => {
      calls++
      await new Promise((resolve) => setTimeout(resolve, 5))
      if (failing) throw new Error('central down')
      return []
    },
    locate: async () => { calls++; throw new Error('never cached') }
  } as unknown as CentralClient
  return { central, calls: () => calls, fail: (value) => { failing = value } }
}

describe('shareCentralReads', () => {
  it('shares one request among concurrent and recent callers, then asks again', async () => {
    let time = 0
    const { central, calls } = countingCentral()
    const reads = shareCentralReads(central, 1000, () => time)
    await Promise.all([reads.central.listFiles(), reads.central.listFiles(), reads.central.listFiles()])
    await reads.central.listFiles()
    expect(calls()).toBe(1)
    time = 1000
    await reads.central.listFiles()
    expect(calls()).toBe(2)
    reads.invalidate()
    await reads.central.listFiles()
    expect(calls()).toBe(3)
  })

  it('keeps no failure, and never caches transfers', async () => {
    const { central, calls, fail } = countingCentral()
    const reads = shareCentralReads(central, 1000, () => 0)
    fail(true)
    await expect(reads.central.listFiles()).rejects.toThrow('central down')
    fail(false)
    await expect(reads.central.listFiles()).resolves.toEqual([])
    expect(calls()).toBe(2)
    await expect(reads.central.locate('a')).rejects.toThrow()
    await expect(reads.central.locate('a')).rejects.toThrow()
    expect(calls()).toBe(4)
  })
})

/** A central whose listFiles answers, fails or stays silent as the test says; counts its calls. */
function steerableCentral (): { central: CentralClient, calls: () => number, mode: (next: 'answer' | 'fail' | 'silent', files?: string[]) => void } {
  let calls = 0
  let current: 'answer' | 'fail' | 'silent' = 'answer'
  let names: string[] = []
  const central = {
    listFiles: async () => {
      calls++
      if (current === 'fail') throw new Error('connection refused')
      // Silent: never settles, like a central that accepted the connection and stopped.
      if (current === 'silent') return await new Promise(() => {})
      return names.map((name) => ({ name }))
    }
  } as unknown as CentralClient
  return { central, calls: () => calls, mode: (next, files) => { current = next; if (files != null) names = files } }
}

describe('shareCentralReads: snapshot, what the page shows', () => {
  const wait = { waitMs: 50, waitAfterFailureMs: 5 }

  it('is the current answer while the central answers', async () => {
    const { central, mode } = steerableCentral()
    mode('answer', ['a.txt'])
    const reads = shareCentralReads(central, 0)
    expect(await reads.snapshot('listFiles', wait)).toEqual({ current: true, value: [{ name: 'a.txt' }] })
  })

  it('falls back on the last answer, with when it came, when the central goes silent', async () => {
    let time = 1_000
    const { central, mode, calls } = steerableCentral()
    mode('answer', ['a.txt'])
    const reads = shareCentralReads(central, 0, () => time)
    await reads.snapshot('listFiles', wait)
    mode('silent')
    time = 5_000
    const stale = await reads.snapshot('listFiles', wait)
    expect(stale).toMatchObject({ current: false, value: [{ name: 'a.txt' }], receivedAt: 1_000 })
    expect(stale.current ? null : (stale.problem as { code: string }).code).toBe('PCLIENT_CENTRAL_UNREACHABLE')
    // The silent request is still on its way: later callers share it instead of piling up more.
    await reads.snapshot('listFiles', wait)
    await expect(Promise.race([reads.central.listFiles(), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 20))])).resolves.toBe('still waiting')
    expect(calls()).toBe(2)
  })

  it('is null with the reason when the central never answered, and gives the failure itself', async () => {
    const { central, mode } = steerableCentral()
    mode('fail')
    const reads = shareCentralReads(central, 0)
    const snapshot = await reads.snapshot('listFiles', wait)
    expect(snapshot).toMatchObject({ current: false, value: null, receivedAt: null })
    expect(snapshot.current ? null : (snapshot.problem as Error).message).toBe('connection refused')
  })

  it('after a failure waits only briefly, and is current again as soon as the central answers', async () => {
    const { central, mode } = steerableCentral()
    mode('fail')
    const reads = shareCentralReads(central, 0)
    await reads.snapshot('listFiles', wait)
    mode('silent')
    // A wait far longer than the test's own timeout: only the short wait after a failure ends it in time.
    const snapshot = await reads.snapshot('listFiles', { waitMs: 600_000, waitAfterFailureMs: 5 })
    // The earlier failure says more than "did not answer within 5 ms".
    expect(snapshot.current ? null : (snapshot.problem as Error).message).toBe('connection refused')
  })

  it('recovers: a central that answers again is current at the next read', async () => {
    const { central, mode } = steerableCentral()
    mode('fail')
    const reads = shareCentralReads(central, 0)
    await reads.snapshot('listFiles', wait)
    mode('answer', ['b.txt'])
    expect(await reads.snapshot('listFiles', wait)).toEqual({ current: true, value: [{ name: 'b.txt' }] })
  })
})

describe('shareCentralReads: a read with arguments (a page of files)', () => {
  const wait = { waitMs: 50, waitAfterFailureMs: 5 }

  /** listFilesPage answering one file named after the query, or staying silent; counts its calls. */
  function pagingCentral (): { central: CentralClient, calls: () => number, silent: () => void } {
    let calls = 0
    let silent = false
    const central = {
      listFilesPage: async (query: { q?: string, cursor?: string | null } = {}) => {
        calls++
        if (silent) return await new Promise(() => {})
        return { files: [{ name: `${query.q ?? ''}@${query.cursor ?? 'first'}` }], next: null }
      }
    } as unknown as CentralClient
    return { central, calls: () => calls, silent: () => { silent = true } }
  }

  it('shares an answer only between callers asking the same page', async () => {
    const { central, calls } = pagingCentral()
    const reads = shareCentralReads(central, 1000, () => 0)
    await Promise.all([reads.central.listFilesPage({ q: 'a' }), reads.central.listFilesPage({ q: 'a' })])
    expect(calls()).toBe(1)
    expect(await reads.central.listFilesPage({ q: 'b' })).toMatchObject({ files: [{ name: 'b@first' }] })
    expect(await reads.central.listFilesPage({ q: 'a', cursor: 'x' })).toMatchObject({ files: [{ name: 'a@x' }] })
    expect(calls()).toBe(3)
  })

  it("falls back on the last answer to the same query, and on nothing for a query never answered", async () => {
    let time = 1_000
    const { central, silent } = pagingCentral()
    const reads = shareCentralReads(central, 0, () => time)
    await reads.snapshot('listFilesPage', wait, { q: 'a' })
    silent()
    time = 2_000
    expect(await reads.snapshot('listFilesPage', wait, { q: 'a' })).toMatchObject({ current: false, value: { files: [{ name: 'a@first' }] }, receivedAt: 1_000 })
    expect(await reads.snapshot('listFilesPage', wait, { q: 'b' })).toMatchObject({ current: false, value: null, receivedAt: null })
  })

  it(`keeps the last answers of the ${KEPT_QUERIES} most recent queries only`, async () => {
    const { central, silent } = pagingCentral()
    const reads = shareCentralReads(central, 0)
    for (let i = 0; i <= KEPT_QUERIES; i++) await reads.central.listFilesPage({ q: `q${i}` })
    silent()
    expect((await reads.snapshot('listFilesPage', wait, { q: 'q0' })).value).toBeNull()
    expect((await reads.snapshot('listFilesPage', wait, { q: `q${KEPT_QUERIES}` })).value).toMatchObject({ files: [{ name: `q${KEPT_QUERIES}@first` }] })
  })
})
