// The directory benchmark's redis-server: it starts on a free port, reports its memory, and stops clean.
import { describeWithRedis } from '@p2p/test-support'
import { expect, it } from 'vitest'
import { startRedis } from '../lib/directory-redis.js'

describeWithRedis('the directory benchmark\'s redis-server', () => {
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
