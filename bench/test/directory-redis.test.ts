// The bench's own redis-server: it starts on a free port, reports its memory, and stops clean.
import { access } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { REDIS_SERVER, startRedis } from '../lib/directory-redis.js'

const haveRedis = await access(REDIS_SERVER).then(() => true, () => false)

describe.skipIf(!haveRedis)('the directory benchmark\'s redis-server', () => {
  it('starts, answers INFO memory, and stops', async () => {
    const redis = await startRedis()
    try {
      expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/)
      expect(await redis.usedMemory()).toBeGreaterThan(100_000)
    } finally {
      await redis.stop()
    }
    await expect(redis.usedMemory()).rejects.toThrow()
  })
})
