// How much memory a machine's processes hold together, counting a page they share once. Summing their
// RSS counts every shared page once per process: three Node services of one image map the same Node
// binary, whose pages (about 50 MiB of each service's RSS) sit once in the page cache. A process's
// anonymous memory (its heap, buffers, stacks: RssAnon and RssShmem) is its own; its file-backed pages
// are counted here as the union over the processes, by physical page (/proc/PID/pagemap gives each
// resident page's frame number to root). Without root the frame numbers read as zero, and the file
// pages are summed as RSS does.
import { open, readFile } from 'node:fs/promises'

const PAGE_BYTES = 4096
const MiB = 1024 * 1024
/** A pagemap entry is 64 bits: bit 63 "present", bits 0-54 the frame number (read as two 32-bit halves). */
const PRESENT_BIT = 0x8000_0000
const FRAME_HIGH_MASK = 0x7f_ffff

export interface ProcessMemory {
  /** VmRSS. */
  rssMiB: number
  /** RssAnon + RssShmem: what no other process shares. */
  ownMiB: number
  /** RssFile: file-backed pages, shared with any process that maps the same file. */
  fileMiB: number
}

/** A process's memory now, from /proc/PID/status; undefined once it has exited. */
export async function processMemory (pid: number): Promise<ProcessMemory | undefined> {
  let status: string
  try {
    status = await readFile(`/proc/${pid}/status`, 'utf8')
  } catch {
    return undefined
  }
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? 0)
  return { rssMiB: kib('VmRSS') / 1024, ownMiB: (kib('RssAnon') + kib('RssShmem')) / 1024, fileMiB: kib('RssFile') / 1024 }
}

/** The frame numbers of the process's resident file-backed pages; null when they cannot be read (not root, or it exited). */
async function fileFrames (pid: number): Promise<Set<number> | null> {
  let maps: string
  try {
    maps = await readFile(`/proc/${pid}/maps`, 'utf8')
  } catch {
    return null
  }
  const frames = new Set<number>()
  let sawFrame = false
  const pagemap = await open(`/proc/${pid}/pagemap`, 'r').catch(() => null)
  if (pagemap == null) return null
  try {
    for (const line of maps.split('\n')) {
      // start-end perms offset dev inode path: file-backed when the inode is not 0.
      const [range, , , , inode] = line.split(/\s+/)
      if (range == null || inode == null || inode === '0') continue
      const [start, end] = range.split('-').map((hex) => Number.parseInt(hex, 16)) as [number, number]
      const pages = (end - start) / PAGE_BYTES
      const entries = Buffer.alloc(pages * 8)
      const { bytesRead } = await pagemap.read(entries, 0, entries.length, (start / PAGE_BYTES) * 8)
      for (let at = 0; at + 8 <= bytesRead; at += 8) {
        const high = entries.readUInt32LE(at + 4)
        if ((high & PRESENT_BIT) === 0) continue
        const frame = (high & FRAME_HIGH_MASK) * 0x1_0000_0000 + entries.readUInt32LE(at)
        if (frame !== 0) sawFrame = true
        frames.add(frame)
      }
    }
  } catch {
    return null
  } finally {
    await pagemap.close()
  }
  return sawFrame ? frames : null
}

/**
 * MiB of file-backed pages resident in any of the processes, each physical page once; null when the
 * frame numbers cannot be read (the caller then sums RssFile).
 */
export async function sharedFileMiB (pids: readonly number[]): Promise<number | null> {
  const union = new Set<number>()
  for (const pid of pids) {
    const frames = await fileFrames(pid)
    if (frames == null) return null
    for (const frame of frames) union.add(frame)
  }
  return (union.size * PAGE_BYTES) / MiB
}
