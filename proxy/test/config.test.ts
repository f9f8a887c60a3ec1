import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'

describe('proxy config', () => {
  it('applies defaults around the one required variable', () => {
    expect(loadConfig({ UPSTREAM_URL: 'http://127.0.0.1:9001' })).toMatchObject({
      HOST: '127.0.0.1', PORT: 8080, UPSTREAM_URL: 'http://127.0.0.1:9001', LOG_LEVEL: 'info'
    })
  })

  it('lists every bad variable in one message', () => {
    expect(() => loadConfig({ UPSTREAM_URL: 'ftp://x', PORT: 'eighty' })).toThrow(/UPSTREAM_URL[\s\S]*PORT|PORT[\s\S]*UPSTREAM_URL/)
  })

  it('requires an upstream', () => {
    expect(() => loadConfig({})).toThrow(/UPSTREAM_URL/)
  })
})
