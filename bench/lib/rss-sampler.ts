// Samples the resident memory of processes while a scenario runs, so the benchmark can report each
// one's peak for that scenario alone (VmHWM would be the peak over the process's whole life).
import { processMemory, sharedFileMiB } from './shared-pages.js'

export interface RssSampler {
  /** Stops sampling and returns the peak RSS in MiB of each labelled process, and of each group (see sampleRss). */
  stop: () => Promise<Record<string, number>>
}

/** A process's resident memory now, in MiB; undefined once it has exited. */
export async function rssMiB (pid: number): Promise<number | undefined> {
  return (await processMemory(pid))?.rssMiB
}

/** The label of a group's figure that counts each page its processes share once (shared-pages.ts). */
export function sharedOnceLabel (group: string): string {
  return `${group}, shared pages once`
}

/** How often a group's shared file pages are counted again (a few tens of ms each): they change slowly. */
const SHARED_EVERY_MS = 1000

/**
 * `groups` name sets of labels whose memory counts together (a machine's services): a group's peak is
 * the highest sum of one sampling round, not the sum of each process's own peak. Each group also has a
 * figure under sharedOnceLabel(group): the same sum with the pages its processes share (Node's
 * binary) counted once, as the machine holds them.
 */
export function sampleRss (pids: Record<string, number>, groups: Record<string, string[]> = {}, everyMs = 50): RssSampler {
  const peaks: Record<string, number> = {}
  /** Per group, the union of its processes' file pages when last counted (null: not countable). */
  const sharedFiles: Record<string, number | null> = {}
  const countShared = async (): Promise<void> => {
    for (const [group, labels] of Object.entries(groups)) {
      const members = labels.map((label) => pids[label]).filter((pid): pid is number => pid != null)
      sharedFiles[group] = members.length === 0 ? null : await sharedFileMiB(members)
    }
  }
  const sampleAll = async (): Promise<void> => {
    const now: Record<string, { rssMiB: number, ownMiB: number, fileMiB: number }> = {}
    await Promise.all(Object.entries(pids).map(async ([label, pid]) => {
      const memory = await processMemory(pid)
      if (memory == null) return
      now[label] = memory
      peaks[label] = Math.max(peaks[label] ?? 0, memory.rssMiB)
    }))
    for (const [group, labels] of Object.entries(groups)) {
      const present = labels.flatMap((label) => now[label] ?? [])
      // A scenario without the group's processes has no figure for it.
      if (present.length === 0) continue
      const total = present.reduce((sum, memory) => sum + memory.rssMiB, 0)
      peaks[group] = Math.max(peaks[group] ?? 0, total)
      const own = present.reduce((sum, memory) => sum + memory.ownMiB, 0)
      const files = sharedFiles[group] ?? present.reduce((sum, memory) => sum + memory.fileMiB, 0)
      const once = sharedOnceLabel(group)
      peaks[once] = Math.max(peaks[once] ?? 0, own + files)
    }
  }
  let counting = countShared()
  let running = counting.then(sampleAll)
  const timer = setInterval(() => { running = running.then(sampleAll) }, everyMs)
  const sharedTimer = Object.keys(groups).length === 0 ? null : setInterval(() => { counting = counting.then(countShared) }, SHARED_EVERY_MS)
  return {
    stop: async () => {
      clearInterval(timer)
      if (sharedTimer != null) clearInterval(sharedTimer)
      await counting
      await running
      await sampleAll()
      return Object.fromEntries(Object.entries(peaks).map(([label, mib]) => [label, Math.round(mib)]))
    }
  }
}
