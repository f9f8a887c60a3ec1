// A machine's memory with its processes' shared pages counted once: three Node processes share their
// binary's pages, so the union of their file pages is far less than the sum of their RssFile, and
// never less than the largest one. Real processes; as root (CI) the frame numbers are read, otherwise
// the file pages are summed as RSS sums them.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { waitFor } from '@p2p/test-support'
import { sampleRss, sharedOnceLabel } from '../lib/rss-sampler.js'
import { processMemory, sharedFileMiB } from '../lib/shared-pages.js'

let children: ChildProcess[] = []
afterEach(() => {
  for (const child of children) child.kill()
  children = []
})

async function idleNodes (count: number): Promise<number[]> {
  children = Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }))
  const pids = children.map((child) => child.pid!)
  // Started: each has paged in the Node binary.
  await waitFor('the Node processes to start', async () => (await Promise.all(pids.map(processMemory))).every((memory) => (memory?.fileMiB ?? 0) > 10))
  return pids
}

describe('memory with shared pages counted once', () => {
  it('counts the pages three Node processes share once', async () => {
    const pids = await idleNodes(3)
    const memories = await Promise.all(pids.map(async (pid) => (await processMemory(pid))!))
    const summedFiles = memories.reduce((sum, memory) => sum + memory.fileMiB, 0)
    const largest = Math.max(...memories.map((memory) => memory.fileMiB))
    const union = await sharedFileMiB(pids)
    if (process.getuid?.() === 0) {
      expect(union).not.toBeNull()
      expect(union!).toBeGreaterThanOrEqual(largest * 0.95)
      // The binary's pages are one set: the union is far below three times one process's.
      expect(union!).toBeLessThan(summedFiles * 0.6)
    } else {
      expect(union).toBeNull()
    }
    for (const memory of memories) expect(memory.rssMiB).toBeCloseTo(memory.ownMiB + memory.fileMiB, 0)
  })

  it('samples a group both ways: the sum of RSS, and each shared page once', async () => {
    const pids = await idleNodes(2)
    const sampler = sampleRss({ a: pids[0]!, b: pids[1]! }, { both: ['a', 'b'] }, 20)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const peaks = await sampler.stop()
    expect(peaks.both).toBeGreaterThanOrEqual(Math.max(peaks.a!, peaks.b!))
    if (process.getuid?.() === 0) expect(peaks[sharedOnceLabel('both')]).toBeLessThan(peaks.both! - 10)
    else expect(peaks[sharedOnceLabel('both')]).toBeCloseTo(peaks.both!, -1)
  })
})
