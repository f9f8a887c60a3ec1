import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '@p2p/proto'
import { advertiseAddressFor, loadConfig as load } from '../src/config.js'

const SECRET = 'k'.repeat(64)
/** Every test but the one about the secret passes a valid one. */
const loadConfig = (env: NodeJS.ProcessEnv): ReturnType<typeof load> => load({ CLUSTER_SECRET: SECRET, ...env })

describe('loadConfig', () => {
  it('requires a cluster secret, and never echoes a bad one', () => {
    expect(() => load({})).toThrow(/CLUSTER_SECRET/)
    expect(() => load({ CLUSTER_SECRET: 'too-short-secret' })).toThrow(/CLUSTER_SECRET/)
    expect(() => load({ CLUSTER_SECRET: 'too-short-secret' })).not.toThrow(/too-short-secret/)
  })

  it('applies the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      peerId: undefined,
      dataDir: path.resolve('./data'),
      seedDir: undefined,
      grpcHost: '127.0.0.1',
      grpcPort: 50051,
      advertiseAddress: undefined,
      centralUrls: ['http://127.0.0.1:8000'],
      centralTimeoutMs: 5000,
      capacityBytes: 10 * 2 ** 30,
      logLevel: 'info',
      clusterSecret: SECRET,
      metricsHost: '127.0.0.1',
      metricsPort: 9465,
      drainGraceMs: 30_000
    })
  })

  it('reads every variable', () => {
    const config = loadConfig({
      PEER_ID: 'peer-a', DATA_DIR: '/tmp/a', SEED_DIR: '/tmp/seed', GRPC_HOST: '0.0.0.0', GRPC_PORT: '0',
      ADVERTISE_ADDRESS: 'peer-a.example:50051', CENTRAL_URL: 'http://central:8000', CAPACITY_BYTES: '500MiB', LOG_LEVEL: 'debug',
      SEND_BYTES_PER_SECOND: '20MiB', COPY_BYTES_PER_SECOND: '5MiB', CENTRAL_TIMEOUT_MS: '3000',
      METRICS_HOST: '::1', METRICS_PORT: '0',
      DRAIN_GRACE_MS: '0'
    })
    expect(config).toEqual({
      peerId: 'peer-a',
      dataDir: '/tmp/a',
      seedDir: '/tmp/seed',
      grpcHost: '0.0.0.0',
      grpcPort: 0,
      advertiseAddress: 'peer-a.example:50051',
      centralUrls: ['http://central:8000'],
      centralTimeoutMs: 3000,
      capacityBytes: 500 * 2 ** 20,
      sendBytesPerSecond: 20 * 2 ** 20,
      copyBytesPerSecond: 5 * 2 ** 20,
      logLevel: 'debug',
      clusterSecret: SECRET,
      metricsHost: '::1',
      metricsPort: 0,
      drainGraceMs: 0
    })
  })

  it('treats empty optional variables as unset', () => {
    expect(loadConfig({ PEER_ID: '', SEED_DIR: '', ADVERTISE_ADDRESS: '' })).toMatchObject({ peerId: undefined, seedDir: undefined, advertiseAddress: undefined })
  })

  it.each(['0.0.0.0', '::'])('requires ADVERTISE_ADDRESS when GRPC_HOST is the wildcard %s', (host) => {
    expect(() => loadConfig({ GRPC_HOST: host })).toThrow(/ADVERTISE_ADDRESS/)
    expect(loadConfig({ GRPC_HOST: host, ADVERTISE_ADDRESS: '10.0.0.5:50051' }).advertiseAddress).toBe('10.0.0.5:50051')
  })

  it('lists every bad variable in one error', () => {
    let error: unknown
    try {
      loadConfig({ CAPACITY_BYTES: 'lots', GRPC_PORT: '70000', CENTRAL_URL: 'ftp://x', PEER_ID: 'bad id!', LOG_LEVEL: 'loud', GRPC_HOST: '0.0.0.0', SEND_BYTES_PER_SECOND: 'fast', DRAIN_GRACE_MS: '-1' })
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(ConfigError)
    const message = (error as Error).message
    for (const name of ['CAPACITY_BYTES', 'GRPC_PORT', 'CENTRAL_URL', 'PEER_ID', 'LOG_LEVEL', 'ADVERTISE_ADDRESS', 'SEND_BYTES_PER_SECOND', 'DRAIN_GRACE_MS']) expect(message).toContain(name)
  })

  it('takes several central addresses in CENTRAL_URLS, in order, and refuses both variables at once or a bad entry', () => {
    expect(loadConfig({ CENTRAL_URLS: ' http://c1:8000, https://c2:8443/ ,,http://c1:8000' }).centralUrls).toEqual(['http://c1:8000', 'https://c2:8443'])
    expect(loadConfig({ CENTRAL_URL: '', CENTRAL_URLS: 'http://c1:8000' }).centralUrls).toEqual(['http://c1:8000'])
    expect(() => loadConfig({ CENTRAL_URL: 'http://c0:8000', CENTRAL_URLS: 'http://c1:8000' })).toThrow(/CENTRAL_URLS: set CENTRAL_URL \(one address\) or CENTRAL_URLS \(several\), not both/)
    expect(() => loadConfig({ CENTRAL_URLS: 'http://c1:8000,ftp://c2' })).toThrow(/CENTRAL_URLS: entry 2 of 2 \("ftp:\/\/c2"\) is not an http/)
    expect(() => loadConfig({ CENTRAL_URLS: ' , ' })).toThrow(/CENTRAL_URLS: expected one or more/)
  })

  it('refuses a zero capacity', () => {
    expect(() => loadConfig({ CAPACITY_BYTES: '0' })).toThrow(/CAPACITY_BYTES/)
  })
})

describe('advertiseAddressFor', () => {
  it('defaults to GRPC_HOST and the bound port, bracketing IPv6', () => {
    expect(advertiseAddressFor({ grpcHost: '127.0.0.1', advertiseAddress: undefined }, 4321)).toBe('127.0.0.1:4321')
    expect(advertiseAddressFor({ grpcHost: '::1', advertiseAddress: undefined }, 4321)).toBe('[::1]:4321')
    expect(advertiseAddressFor({ grpcHost: '0.0.0.0', advertiseAddress: 'peer:1' }, 4321)).toBe('peer:1')
  })
})
