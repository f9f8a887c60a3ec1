// loadConfig: defaults, environment values, and one error listing every bad variable (never the secret).
import os from 'node:os'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'

const SECRET = 'a-long-enough-cluster-secret-for-the-tests-0123456789'

describe('loadConfig', () => {
  it('has defaults for everything but the cluster secret', () => {
    expect(loadConfig({ CLUSTER_SECRET: SECRET })).toEqual({
      host: '127.0.0.1',
      port: 9000,
      heartbeatIntervalMs: 5000,
      logLevel: 'info',
      clusterSecret: SECRET,
      ticketTtlMs: 300_000,
      rateLimitPerMinute: 600,
      trustedProxies: ['127.0.0.1', '::1'],
      replicationFactor: 2,
      directoryStore: { kind: 'memory' },
      replicaId: `${os.hostname()}-${process.pid}`,
      tombstoneTtlMs: 7 * 86_400_000,
      metricsHost: '127.0.0.1',
      metricsPort: 9464
    })
    expect(loadConfig({ CLUSTER_SECRET: SECRET, PORT: '', LOG_LEVEL: '', TRUSTED_PROXIES: '' }))
      .toMatchObject({ port: 9000, logLevel: 'info', trustedProxies: ['127.0.0.1', '::1'] })
  })

  it('reads the environment', () => {
    expect(loadConfig({
      HOST: '0.0.0.0',
      PORT: '0',
      HEARTBEAT_INTERVAL_MS: '250',
      LOG_LEVEL: 'debug',
      CLUSTER_SECRET: SECRET,
      TICKET_TTL_MS: '60000',
      RATE_LIMIT_PER_MINUTE: '5',
      TRUSTED_PROXIES: ' 10.0.0.0/8, 192.168.1.7 ,fd00::/8,loopback',
      REPLICATION_FACTOR: '3',
      DIRECTORY_STORE: 'redis',
      REDIS_URL: 'redis://:pw@redis.internal:6380/2',
      REPLICA_ID: 'central-2',
      TOMBSTONE_TTL_MS: '3600000',
      METRICS_HOST: '0.0.0.0',
      METRICS_PORT: '0'
    })).toEqual({
      host: '0.0.0.0',
      port: 0,
      heartbeatIntervalMs: 250,
      logLevel: 'debug',
      clusterSecret: SECRET,
      ticketTtlMs: 60_000,
      rateLimitPerMinute: 5,
      trustedProxies: ['10.0.0.0/8', '192.168.1.7', 'fd00::/8', 'loopback'],
      replicationFactor: 3,
      directoryStore: { kind: 'redis', url: 'redis://:pw@redis.internal:6380/2' },
      replicaId: 'central-2',
      tombstoneTtlMs: 3_600_000,
      metricsHost: '0.0.0.0',
      metricsPort: 0
    })
    expect(loadConfig({ CLUSTER_SECRET: SECRET, TRUSTED_PROXIES: 'none' }).trustedProxies).toEqual([])
  })

  it('lists every bad variable in one error', () => {
    const message = failure({
      PORT: '70000', HEARTBEAT_INTERVAL_MS: 'often', LOG_LEVEL: 'loud', TICKET_TTL_MS: '5', RATE_LIMIT_PER_MINUTE: '0', TRUSTED_PROXIES: '10.0.0.1,proxy.example', REPLICATION_FACTOR: '0'
    })
    for (const name of ['PORT', 'HEARTBEAT_INTERVAL_MS', 'LOG_LEVEL', 'CLUSTER_SECRET', 'TICKET_TTL_MS', 'RATE_LIMIT_PER_MINUTE', 'TRUSTED_PROXIES', 'REPLICATION_FACTOR']) {
      expect(message).toContain(name)
    }
  })

  it('requires a cluster secret of at least 32 characters and never shows it', () => {
    expect(failure({})).toMatch(/CLUSTER_SECRET: required/)
    expect(failure({ CLUSTER_SECRET: '' })).toMatch(/CLUSTER_SECRET: required/)
    const short = 'hunter2-is-my-secret'
    const message = failure({ CLUSTER_SECRET: short })
    expect(message).toMatch(/CLUSTER_SECRET: .*at least 32 characters/)
    expect(message).not.toContain(short)
  })

  it('needs REDIS_URL with DIRECTORY_STORE=redis, a redis URL, and never shows it', () => {
    expect(failure({ CLUSTER_SECRET: SECRET, DIRECTORY_STORE: 'redis' })).toMatch(/REDIS_URL: required when DIRECTORY_STORE=redis/)
    expect(failure({ CLUSTER_SECRET: SECRET, DIRECTORY_STORE: 'redis', REDIS_URL: '' })).toMatch(/REDIS_URL: required/)
    const bad = failure({ CLUSTER_SECRET: SECRET, DIRECTORY_STORE: 'redis', REDIS_URL: 'http://user:s3cret@host:6379' })
    expect(bad).toMatch(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/)
    expect(bad).not.toContain('s3cret')
    expect(failure({ CLUSTER_SECRET: SECRET, DIRECTORY_STORE: 'disk' })).toMatch(/DIRECTORY_STORE: must be 'memory' or 'redis'/)
    expect(failure({ CLUSTER_SECRET: SECRET, REPLICA_ID: 'two words' })).toMatch(/REPLICA_ID: /)
    expect(failure({ CLUSTER_SECRET: SECRET, METRICS_PORT: '65536' })).toMatch(/METRICS_PORT: must be a port number/)
    // A Redis URL the memory store does not use is no error (a launcher's environment may carry one).
    expect(loadConfig({ CLUSTER_SECRET: SECRET, REDIS_URL: 'redis://127.0.0.1:6379' }).directoryStore).toEqual({ kind: 'memory' })
    expect(loadConfig({ CLUSTER_SECRET: SECRET, DIRECTORY_STORE: 'redis', REDIS_URL: 'rediss://cache.example' }).directoryStore)
      .toEqual({ kind: 'redis', url: 'rediss://cache.example' })
  })

  it('refuses malformed proxy lists', () => {
    for (const proxies of ['10.0.0.0/33', '::1/129', '1.2.3.4/8/1', 'localhost', '10.0.0.1, 300.0.0.1']) {
      expect(failure({ CLUSTER_SECRET: SECRET, TRUSTED_PROXIES: proxies }), proxies).toContain('TRUSTED_PROXIES')
    }
  })
})

function failure (env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env)
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('loadConfig accepted the environment')
}
