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

  it('lists every bad variable in one message', () => {
    expect(() => loadConfig({ UPSTREAM_URL: 'ftp://x', PORT: 'eighty' })).toThrow(/UPSTREAM_URL[\s\S]*PORT|PORT[\s\S]*UPSTREAM_URL/)
  })

  it('requires an upstream', () => {
    expect(() => loadConfig({})).toThrow(/UPSTREAM_URL/)
  })
})
