// Samples the resident memory of processes while a scenario runs, so the benchmark can report each
// one's peak for that scenario alone (VmHWM would be the peak over the process's whole life).
import { readFile } from 'node:fs/promises'

export interface RssSampler {
  /** Stops sampling and returns the peak RSS in MiB of each labelled process. */
  stop: () => Promise<Record<string, number>>
}

/** A process's resident memory now, in MiB; undefined once it has exited. */
export async function rssMiB (pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(status)
    return match != null ? Number(match[1]) / 1024 : undefined
  } catch {
    return undefined
  }
}

/**
 * `groups` name sets of labels whose memory counts together (a machine's services): a group's peak is
 * the highest sum of one sampling round, not the sum of each process's own peak.
 */
export function sampleRss (pids: Record<string, number>, groups: Record<string, string[]> = {}, everyMs = 50): RssSampler {
  const peaks: Record<string, number> = {}
  const sampleAll = async (): Promise<void> => {
    const now: Record<string, number> = {}
    await Promise.all(Object.entries(pids).map(async ([label, pid]) => {
      const rss = await rssMiB(pid)
      if (rss == null) return
      now[label] = rss
      peaks[label] = Math.max(peaks[label] ?? 0, rss)
    }))
    for (const [group, labels] of Object.entries(groups)) {
      const total = labels.reduce((sum, label) => sum + (now[label] ?? 0), 0)
      peaks[group] = Math.max(peaks[group] ?? 0, total)
    }
  }
  let running = sampleAll()
  const timer = setInterval(() => { running = running.then(sampleAll) }, everyMs)
  return {
    stop: async () => {
      clearInterval(timer)
      await running
      await sampleAll()
      return Object.fromEntries(Object.entries(peaks).map(([label, mib]) => [label, Math.round(mib)]))
    }
  }
}
