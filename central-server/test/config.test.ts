// loadConfig: defaults, environment values, and one error listing every bad variable.
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    expect(loadConfig({})).toEqual({ host: '127.0.0.1', port: 9000, heartbeatIntervalMs: 5000, logLevel: 'info' })
    expect(loadConfig({ PORT: '', LOG_LEVEL: '' })).toMatchObject({ port: 9000, logLevel: 'info' })
  })

  it('reads the environment', () => {
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '0', HEARTBEAT_INTERVAL_MS: '250', LOG_LEVEL: 'debug' }))
      .toEqual({ host: '0.0.0.0', port: 0, heartbeatIntervalMs: 250, logLevel: 'debug' })
  })

  it('lists every bad variable in one error', () => {
    let message = ''
    try {
      loadConfig({ PORT: '70000', HEARTBEAT_INTERVAL_MS: 'often', LOG_LEVEL: 'loud' })
    } catch (err) {
      message = (err as Error).message
    }
    expect(message).toContain('PORT')
    expect(message).toContain('HEARTBEAT_INTERVAL_MS')
    expect(message).toContain('LOG_LEVEL')
  })
})
