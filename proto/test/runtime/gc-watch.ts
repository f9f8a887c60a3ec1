// Counts V8's collections of each kind from now on, for the garbage pacer's and buffer collector's tests.
import { constants, PerformanceObserver } from 'node:perf_hooks'
import type { PerformanceEntry } from 'node:perf_hooks'

export interface CollectionCounts {
  minor: () => number
  major: () => number
  stop: () => void
}

export function watchCollections (): CollectionCounts {
  let minor = 0
  let major = 0
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as Array<PerformanceEntry & { detail?: { kind?: number } }>) {
      if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++
      if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++
    }
  })
  observer.observe({ entryTypes: ['gc'] })
  return { minor: () => minor, major: () => major, stop: () => { observer.disconnect() } }
}

/** Polls `check` every 10 ms for at most 5 s (proto's tests depend on nothing but proto). */
export async function waitFor (what: string, check: () => boolean): Promise<void> {
  for (let tries = 0; tries < 500; tries++) {
    if (check()) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`gave up waiting for ${what}`)
}
