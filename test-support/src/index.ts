// @p2p/test-support: helpers any workspace's tests may use. Starting a real pserver is a separate
// entry (`@p2p/test-support/pserver`), so tests that need none do not load the peer's code.
export { freePort } from './free-port.js'
export { captureLogger, silentLogger } from './loggers.js'
export { describeWithRedis, redisCommand, redisServerProblem, REDIS_SERVER_PATH, startRedisServer } from './redis-server.js'
export type { TestRedisServer } from './redis-server.js'
export { listDir, makeTempDir } from './temp-dir.js'
export { waitFor } from './wait-for.js'
export { readBodySlowly, readSlowly } from './read-slowly.js'
export type { ReadSlowlyOptions } from './read-slowly.js'
