// CPU time of processes, from the kernel's accounting (/proc/<pid>/stat: user + system time), so the
// benchmark can say how many CPU-seconds each process spent per GiB it helped move. Figures per byte
// hold up on a shared machine far better than speeds do: another job slows a transfer down, but the
// work each process does for a byte stays about the same.
import { execFileSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'

/** Clock ticks per second of the kernel's accounting (USER_HZ; 100 on Linux as built by Debian). */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100

/** The fields after the command's closing parenthesis (the command itself may hold spaces). */
async function statFields (pid: number | 'self'): Promise<string[] | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined
  }
}

/** CPU-seconds (user + system) a process has used so far; undefined once it has exited. */
export async function cpuSeconds (pid: number): Promise<number | undefined> {
  // After the command: state is field 3 of stat, utime 14 and stime 15, so 11 and 12 here (0-based).
  const fields = await statFields(pid)
  if (fields == null) return undefined
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
}

/**
 * CPU-seconds of this process and of the children it has waited for (curl and the like: cutime and
 * cstime, fields 16 and 17), i.e. everything the benchmark's own side of a transfer cost.
 */
export async function ownCpuSeconds (): Promise<number> {
  const fields = await statFields('self')
  if (fields == null) return 0
  return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND
}

export interface CpuMeter {
  /** CPU-seconds each labelled process spent since the meter started (a process that exited: omitted). */
  stop: () => Promise<Record<string, number>>
}

/** Starts counting the CPU time of the labelled processes; `client` is the benchmark itself with its children. */
export async function meterCpu (pids: Record<string, number>): Promise<CpuMeter> {
  const read = async (): Promise<Record<string, number>> => {
    const entries = await Promise.all(Object.entries(pids).map(async ([label, pid]) => [label, await cpuSeconds(pid)] as const))
    const seconds: Record<string, number> = { client: await ownCpuSeconds() }
    for (const [label, value] of entries) if (value != null) seconds[label] = value
    return seconds
  }
  const before = await read()
  return {
    stop: async () => {
      const after = await read()
      const spent: Record<string, number> = {}
      for (const [label, value] of Object.entries(after)) {
        const start = before[label]
        if (start != null) spent[label] = value - start
      }
      return spent
    }
  }
}
