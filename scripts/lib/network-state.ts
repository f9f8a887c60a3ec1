// `<data>/network.json`: what a running launcher started, for scripts and tests that drive it from the
// outside (the end-to-end test of the launcher, a person on ephemeral ports): the launcher's pid,
// every machine's URL (each central replica's and their Redis's too), every service's state and pid.
// Rewritten whole on every change (written aside, then renamed, so a reader never sees half a file)
// and removed when the network stops.
import { rename, rm, writeFile } from 'node:fs/promises'
import type { ServiceStatus } from './supervisor.js'

export const STATE_FILE_NAME = 'network.json'

export interface NetworkState {
  launcherPid: number
  central: {
    /** The central's public URL: its proxy. */
    url: string
    store: 'memory' | 'redis'
    /** Each central-server replica by its label ('central-server' alone, else 'central-1'...) and URL. */
    replicas: Array<{ id: string, url: string }>
    /** The Redis the replicas share (its password, if any, hidden); dataDir null when it is REDIS_URL's. */
    redis: { url: string, dataDir: string | null } | null
  }
  peers: Array<{ id: string, url: string, grpcAddress: string, dataDir: string }>
  services: ServiceStatus[]
  updatedAt: string
}

export interface StateFile {
  /** Queues a rewrite; writes never overlap, and the last state asked for is the one left. */
  write: (state: NetworkState) => void
  /** Waits for pending writes, then deletes the file. */
  remove: () => Promise<void>
}

export function createStateFile (filePath: string, onError: (err: unknown) => void): StateFile {
  let queue: Promise<void> = Promise.resolve()
  let version = 0
  const write = (state: NetworkState): void => {
    const mine = ++version
    queue = queue.then(async () => {
      // A newer state is queued behind this one: skip straight to it.
      if (mine !== version) return
      const aside = `${filePath}.${process.pid}.tmp`
      await writeFile(aside, JSON.stringify(state, null, 2) + '\n')
      await rename(aside, filePath)
    }).catch(onError)
  }
  const remove = async (): Promise<void> => {
    version++
    await queue
    await rm(filePath, { force: true })
  }
  return { write, remove }
}
