// The Redis the directory benchmark's redis store runs on: the same throwaway redis-server the tests
// use (test-support: Debian's redis-server on a free port, its files in a temporary folder, nothing
// persisted, so a pass starts from an empty Redis), and how much memory it uses (INFO memory).
import { redisCommand, startRedisServer } from '@p2p/test-support'

export interface BenchRedis {
  url: string
  /** INFO memory's used_memory: the bytes Redis's allocator holds for data and overhead. */
  usedMemory: () => Promise<number>
  stop: () => Promise<void>
}

export async function startRedis (): Promise<BenchRedis> {
  const server = await startRedisServer()
  const usedMemory = async (): Promise<number> => {
    const match = /^used_memory:(\d+)\r?$/m.exec(await redisCommand(server.port, 'INFO memory', 5000))
    if (match == null) throw new Error(`redis-server on port ${server.port} did not report used_memory`)
    return Number(match[1])
  }
  return { url: server.url, usedMemory, stop: server.close }
}
