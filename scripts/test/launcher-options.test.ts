// The launcher's command line: how many centrals, where they keep the directory, and which Redis.
import { describe, expect, it } from 'vitest'
import { FIXED_PORTS } from '../lib/local-network.js'
import { UsageError, parseLauncherOptions } from '../lib/launcher-options.js'

describe('the launcher options', () => {
  it('run one central in memory by default, with no Redis even when REDIS_URL is set', () => {
    expect(parseLauncherOptions([], { REDIS_URL: 'redis://127.0.0.1:6379' })).toMatchObject({ centrals: 1, store: 'memory', redisUrl: null })
  })

  it('keep several centrals in Redis: their own redis-server, or the one REDIS_URL names', () => {
    expect(parseLauncherOptions(['--centrals', '3'], {})).toMatchObject({ centrals: 3, store: 'redis', redisUrl: null })
    expect(parseLauncherOptions(['--centrals', '3'], { REDIS_URL: 'redis://10.0.0.5:6380' })).toMatchObject({ store: 'redis', redisUrl: 'redis://10.0.0.5:6380' })
    expect(parseLauncherOptions(['--store', 'redis'], { REDIS_URL: ' ' })).toMatchObject({ centrals: 1, store: 'redis', redisUrl: null })
  })

  it('refuse what cannot run, saying why', () => {
    const refusal = (args: string[], env: NodeJS.ProcessEnv = {}): string => {
      try {
        parseLauncherOptions(args, env)
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError)
        return (err as Error).message
      }
      throw new Error(`${args.join(' ')} was accepted`)
    }
    expect(refusal(['--centrals', '0'])).toContain('--centrals')
    expect(refusal(['--centrals', '10'])).toContain('--centrals')
    expect(refusal(['--centrals', '2', '--store', 'memory'])).toContain('--store memory needs --centrals 1')
    expect(refusal(['--store', 'disk'])).toContain('--store')
    expect(refusal(['--centrals', '2'], { REDIS_URL: 'http://127.0.0.1:6379' })).toContain('REDIS_URL')
    expect(refusal(['--centrals', '2'], { REDIS_URL: 'not a url' })).toContain('REDIS_URL')
  })

  it('give each central replica its own fixed port, clear of the peers\' pages and pclients', () => {
    const replicas = [1, 2, 3, 9].map(FIXED_PORTS.central)
    expect(replicas).toEqual([9000, 9100, 9200, 9800])
    const peers = Array.from({ length: 20 }, (_, i) => [FIXED_PORTS.peerProxy(i + 1), FIXED_PORTS.pclient(i + 1), FIXED_PORTS.pserver(i + 1)]).flat()
    expect(replicas.filter((port) => peers.includes(port) || port === FIXED_PORTS.centralProxy)).toEqual([])
  })
})
