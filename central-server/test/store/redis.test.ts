// The Redis store passes the DirectoryStore contract, against a real redis-server started for this file;
// each store the suite opens gets a key prefix of its own, so the tests share the server but no data.
import { describeWithRedis, silentLogger, startRedisServer } from '@p2p/test-support'
import type { TestRedisServer } from '@p2p/test-support'
import { afterAll, beforeAll } from 'vitest'
import { createRedisDirectoryStore } from '../../src/store/redis/index.js'
import { describeDirectoryStoreContract } from './directory-store-contract.js'

describeWithRedis('the Redis directory store', () => {
  let redis: TestRedisServer
  let opened = 0
  beforeAll(async () => { redis = await startRedisServer() })
  afterAll(async () => { await redis.close() })

  describeDirectoryStoreContract('redis', async () => {
    const store = createRedisDirectoryStore({ url: redis.url, keyPrefix: `contract-${++opened}:`, log: silentLogger })
    if (!await store.waitUntilReady(5000)) throw new Error(`no connection to ${redis.url}`)
    return store
  })
})
