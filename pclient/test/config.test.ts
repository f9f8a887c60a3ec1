import { describe, expect, it } from 'vitest'
import { loadConfig as load } from '../src/config.js'

const SECRET = 'k'.repeat(64)
/** Every test but the one about the secret passes a valid one. */
const loadConfig = (env: NodeJS.ProcessEnv): ReturnType<typeof load> => load({ CLUSTER_SECRET: SECRET, ...env })

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      port: 9001,
      centralUrls: ['http://127.0.0.1:8000'],
      centralTimeoutMs: 2000,
      peerName: null,
      maxUploadBytes: 2 ** 40,
      logLevel: 'info',
      clusterSecret: SECRET,
      trustedProxies: ['127.0.0.1', '::1'],
      pieceTimeoutMs: 30_000,
      keepDownloads: false,
      metricsHost: '127.0.0.1',
      metricsPort: 9466,
      drainGraceMs: 30_000
    })
  })

  it('reads every variable, with units for MAX_UPLOAD_BYTES', () => {
    const config = loadConfig({
      HOST: '0.0.0.0', PORT: '0', CENTRAL_URL: 'http://central:8000', PEER_NAME: 'peer one', MAX_UPLOAD_BYTES: '500MiB', LOG_LEVEL: 'debug', PIECE_TIMEOUT_MS: '2500', KEEP_DOWNLOADS: 'true', CENTRAL_TIMEOUT_MS: '1500',
      METRICS_HOST: '0.0.0.0', METRICS_PORT: '9500', DRAIN_GRACE_MS: '5000'
    })
    expect(config).toEqual({
      host: '0.0.0.0', port: 0, centralUrls: ['http://central:8000'], centralTimeoutMs: 1500, peerName: 'peer one', maxUploadBytes: 500 * 2 ** 20, logLevel: 'debug', clusterSecret: SECRET, trustedProxies: ['127.0.0.1', '::1'], pieceTimeoutMs: 2500, keepDownloads: true,
      metricsHost: '0.0.0.0', metricsPort: 9500, drainGraceMs: 5000
    })
    expect(loadConfig({ MAX_UPLOAD_BYTES: '1048576' }).maxUploadBytes).toBe(1048576)
  })

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', CENTRAL_URL: '', PEER_NAME: '' })).toMatchObject({ port: 9001, centralUrls: ['http://127.0.0.1:8000'], peerName: null })
  })

  it('lists every bad variable in one error', () => {
    let message = ''
    try {
      loadConfig({
        PORT: '70000', CENTRAL_URL: 'ftp://central', MAX_UPLOAD_BYTES: 'lots', LOG_LEVEL: 'loud', PIECE_TIMEOUT_MS: 'soon', KEEP_DOWNLOADS: 'yes', CENTRAL_TIMEOUT_MS: '10', METRICS_PORT: 'any',
        DRAIN_GRACE_MS: 'later'
      })
    } catch (err) {
      message = (err as Error).message
    }
    for (const name of ['PORT', 'CENTRAL_URL', 'MAX_UPLOAD_BYTES', 'LOG_LEVEL', 'PIECE_TIMEOUT_MS', 'KEEP_DOWNLOADS', 'CENTRAL_TIMEOUT_MS', 'METRICS_PORT', 'DRAIN_GRACE_MS']) expect(message).toContain(name)
  })

  it('takes several central addresses in CENTRAL_URLS, in order, and refuses both variables at once or a bad entry', () => {
    expect(loadConfig({ CENTRAL_URLS: 'http://c1:8000,https://c2:8443/' }).centralUrls).toEqual(['http://c1:8000', 'https://c2:8443'])
    expect(() => loadConfig({ CENTRAL_URL: 'http://c0:8000', CENTRAL_URLS: 'http://c1:8000' })).toThrow(/CENTRAL_URLS: set CENTRAL_URL \(one address\) or CENTRAL_URLS \(several\), not both/)
    expect(() => loadConfig({ CENTRAL_URLS: 'central:8000' })).toThrow(/CENTRAL_URLS: entry 1 of 1 \("central:8000"\) is not an http/)
  })

  it('requires a cluster secret of at least 32 characters, without echoing it', () => {
    expect(() => load({})).toThrow(/CLUSTER_SECRET/)
    let message = ''
    try {
      load({ CLUSTER_SECRET: 'short-secret-value' })
    } catch (err) {
      message = (err as Error).message
    }
    expect(message).toContain('CLUSTER_SECRET')
    expect(message).not.toContain('short-secret-value')
  })

  it('refuses a zero upload limit', () => {
    expect(() => loadConfig({ MAX_UPLOAD_BYTES: '0' })).toThrow(/MAX_UPLOAD_BYTES/)
  })
})
