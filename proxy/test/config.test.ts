import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'

describe('proxy config', () => {
  it('applies defaults around the one required variable', () => {
    expect(loadConfig({ UPSTREAM_URL: 'http://127.0.0.1:9001' })).toMatchObject({
      HOST: '127.0.0.1', PORT: 8080, UPSTREAM_URL: 'http://127.0.0.1:9001', LOG_LEVEL: 'info'
    })
  })

  it('waits 5 s for a connection and 30 s for an answer by default, so a peer\'s uploads are not cut', () => {
    expect(loadConfig({ UPSTREAM_URL: 'http://127.0.0.1:9001' })).toMatchObject({ UPSTREAM_CONNECT_TIMEOUT_MS: 5_000, UPSTREAM_ANSWER_TIMEOUT_MS: 30_000 })
    expect(loadConfig({ UPSTREAM_URL: 'http://127.0.0.1:9001', UPSTREAM_ANSWER_TIMEOUT_MS: '5000' })).toMatchObject({ UPSTREAM_ANSWER_TIMEOUT_MS: 5_000 })
    expect(() => loadConfig({ UPSTREAM_URL: 'http://127.0.0.1:9001', UPSTREAM_ANSWER_TIMEOUT_MS: '0', UPSTREAM_CONNECT_TIMEOUT_MS: 'soon' }))
      .toThrow(/UPSTREAM_ANSWER_TIMEOUT_MS[\s\S]*UPSTREAM_CONNECT_TIMEOUT_MS|UPSTREAM_CONNECT_TIMEOUT_MS[\s\S]*UPSTREAM_ANSWER_TIMEOUT_MS/)
  })

  it('chooses its own request ids and drains for 30 s unless told otherwise', () => {
    expect(loadConfig({ UPSTREAM_URL: 'http://127.0.0.1:9001' })).toMatchObject({ TRUST_REQUEST_ID: 'false', DRAIN_GRACE_MS: 30_000 })
    expect(loadConfig({ UPSTREAM_URL: 'http://127.0.0.1:9001', TRUST_REQUEST_ID: 'true', DRAIN_GRACE_MS: '0' })).toMatchObject({ TRUST_REQUEST_ID: 'true', DRAIN_GRACE_MS: 0 })
    expect(() => loadConfig({ UPSTREAM_URL: 'http://127.0.0.1:9001', TRUST_REQUEST_ID: 'yes', DRAIN_GRACE_MS: 'soon' }))
      .toThrow(/TRUST_REQUEST_ID[\s\S]*DRAIN_GRACE_MS|DRAIN_GRACE_MS[\s\S]*TRUST_REQUEST_ID/)
  })

  it('lists every bad variable in one message', () => {
    expect(() => loadConfig({ UPSTREAM_URL: 'ftp://x', PORT: 'eighty' })).toThrow(/UPSTREAM_URL[\s\S]*PORT|PORT[\s\S]*UPSTREAM_URL/)
  })

  it('requires an upstream', () => {
    expect(() => loadConfig({})).toThrow(/UPSTREAM_URL/)
  })

  it('takes several upstreams from UPSTREAM_URLS, comma-separated, or the one of UPSTREAM_URL', () => {
    expect(loadConfig({ UPSTREAM_URLS: 'http://10.0.0.1:9000, http://10.0.0.2:9000,,http://10.0.0.3:9000' }).upstreamUrls)
      .toEqual(['http://10.0.0.1:9000', 'http://10.0.0.2:9000', 'http://10.0.0.3:9000'])
    expect(loadConfig({ UPSTREAM_URL: 'http://127.0.0.1:9001' }).upstreamUrls).toEqual(['http://127.0.0.1:9001'])
    expect(loadConfig({ UPSTREAM_URL: '', UPSTREAM_URLS: 'https://central:9000' }).upstreamUrls).toEqual(['https://central:9000'])
    expect(loadConfig({ UPSTREAM_URL: 'http://127.0.0.1:9001' })).toMatchObject({ UPSTREAM_PROBE_INTERVAL_MS: 1_000 })
  })

  it('wants exactly one of UPSTREAM_URL and UPSTREAM_URLS', () => {
    expect(() => loadConfig({ UPSTREAM_URL: 'http://a:1', UPSTREAM_URLS: 'http://b:1' })).toThrow(/UPSTREAM_URL: set UPSTREAM_URL or UPSTREAM_URLS, not both/)
    expect(() => loadConfig({ UPSTREAM_URLS: '' })).toThrow(/UPSTREAM_URL: required \(or UPSTREAM_URLS\)/)
  })

  it('checks every entry of UPSTREAM_URLS', () => {
    expect(() => loadConfig({ UPSTREAM_URLS: 'http://a:1,ftp://b' })).toThrow(/UPSTREAM_URLS\.1: each entry must be an http\(s\) URL/)
    expect(() => loadConfig({ UPSTREAM_URLS: ' , ' })).toThrow(/UPSTREAM_URLS: must list at least one/)
    expect(() => loadConfig({ UPSTREAM_URLS: 'http://a:1,http://a:1' })).toThrow(/UPSTREAM_URLS: names the same URL twice/)
  })
})
