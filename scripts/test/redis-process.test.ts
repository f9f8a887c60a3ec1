// The launcher's own redis-server: a real one, on a free port, its files in a temp folder. What the
// centrals write survives its restart (append-only), and a missing redis-server is a clear error.
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describeWithRedis, redisCommand } from '@p2p/test-support'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { RedisMissingError, findRedisServer, freePort, startRedisProcess } from '../lib/redis-process.js'
import type { ServiceProcess } from '../lib/service-process.js'

describeWithRedis('the launcher\'s redis-server', () => {
  let dir: string
  let executable: string
  let port: number
  let proc: ServiceProcess | undefined

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p2p-redis-process-'))
    executable = await findRedisServer()
    port = await freePort()
  })

  afterAll(async () => {
    await proc?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('starts on the port given, answers, and says where it is', async () => {
    proc = await startRedisProcess({ executable, port, dir: path.join(dir, 'redis'), label: 'redis-server' })
    expect(proc.url).toBe(`redis://127.0.0.1:${port}`)
    expect(await redisCommand(port, 'PING')).toBe('+PONG')
  })

  it('keeps what was written across a restart, in its append-only files', async () => {
    expect(await redisCommand(port, 'SET launcher-test kept')).toBe('+OK')
    await proc!.stop()
    expect(proc!.child.exitCode).toBe(0)
    expect(await readdir(path.join(dir, 'redis'))).toContain('appendonlydir')
    proc = await startRedisProcess({ executable, port, dir: path.join(dir, 'redis'), label: 'redis-server' })
    expect(await redisCommand(port, 'GET launcher-test')).toBe('kept')
  })

  it('names the package to install, or REDIS_URL, when redis-server is not on PATH', async () => {
    const missing = await findRedisServer(path.join(dir, 'nowhere')).then(() => null, (err: unknown) => err)
    expect(missing).toBeInstanceOf(RedisMissingError)
    expect((missing as Error).message).toContain('apt-get install redis-server, or set REDIS_URL')
  })
})
