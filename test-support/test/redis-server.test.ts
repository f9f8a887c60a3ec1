// The test Redis does what its handle says: it answers on its own port, keeps or drops its data across
// a restart as asked, stops answering when stopped, killed or paused, and leaves nothing behind.
import fs from 'node:fs/promises'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeWithRedis, redisCommand, startRedisServer } from '../src/index.js'
import type { TestRedisServer } from '../src/index.js'

describeWithRedis('startRedisServer', () => {
  let redis: TestRedisServer
  beforeAll(async () => { redis = await startRedisServer() })
  afterAll(async () => { await redis.close() })

  it('answers on 127.0.0.1 at its url', async () => {
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`)
    expect(await redisCommand(redis.port, 'PING')).toBe('+PONG')
    expect(await redisCommand(redis.port, 'SET greeting hello')).toBe('+OK')
    expect(await redisCommand(redis.port, 'GET greeting')).toBe('hello')
    expect(await redisCommand(redis.port, 'GET missing')).toBe('')
  })

  it('stops, and starts again on the same port', async () => {
    await redis.stop()
    expect(await redisCommand(redis.port, 'PING')).toBe('')
    await redis.start()
    expect(await redisCommand(redis.port, 'PING')).toBe('+PONG')
  })

  it('restarts empty by default, or with its data', async () => {
    await redisCommand(redis.port, 'SET kept yes')
    await redis.restart({ empty: false })
    expect(await redisCommand(redis.port, 'GET kept')).toBe('yes')
    await redis.restart()
    expect(await redisCommand(redis.port, 'GET kept')).toBe('')
  })

  it('is killed like a crash, and comes back', async () => {
    await redis.kill()
    expect(await redisCommand(redis.port, 'PING')).toBe('')
    await redis.start()
    expect(await redisCommand(redis.port, 'PING')).toBe('+PONG')
  })

  it('pauses: the port stays open but nothing answers until it resumes', async () => {
    redis.pause()
    const started = Date.now()
    expect(await redisCommand(redis.port, 'PING', 300)).toBe('')
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    redis.resume()
    expect(await redisCommand(redis.port, 'PING')).toBe('+PONG')
  })

  it('stops for good on close and removes its folder', async () => {
    const other = await startRedisServer()
    expect(other.port).not.toBe(redis.port)
    await other.close()
    await expect(fs.stat(other.dir)).rejects.toThrow()
    expect(await redisCommand(other.port, 'PING')).toBe('')
  })
})
