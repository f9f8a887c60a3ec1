import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { byteSizeSchema, logLevelSchema, unsetIfEmpty } from '../../src/runtime/env-schemas.js'
import { ConfigError, parseEnv } from '../../src/runtime/load-config.js'
import type { ConfigProblem } from '../../src/runtime/load-config.js'

const schema = z.object({
  PORT: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(0).max(65535).default(8080)),
  SIZE: z.preprocess(unsetIfEmpty, byteSizeSchema().default(1024)),
  LOG_LEVEL: logLevelSchema,
  SECRET: z.string().min(10, { error: 'must be at least 10 characters' })
})

function failure (env: NodeJS.ProcessEnv, problems: ConfigProblem[] = []): ConfigError {
  try {
    parseEnv('test-service', schema, env, problems)
  } catch (err) {
    if (err instanceof ConfigError) return err
    throw err
  }
  throw new Error('parseEnv accepted the environment')
}

describe('parseEnv', () => {
  it('returns the parsed values, an empty variable meaning its default', () => {
    expect(parseEnv('test-service', schema, { PORT: '', SIZE: '2KiB', SECRET: 'long enough secret' }))
      .toEqual({ PORT: 8080, SIZE: 2048, LOG_LEVEL: 'info', SECRET: 'long enough secret' })
  })

  it('lists every bad variable in one error, and never the bad values of those a schema refuses', () => {
    const err = failure({ PORT: '70000', SIZE: 'lots', LOG_LEVEL: 'loud', SECRET: 'hunter2' })
    expect(err.name).toBe('ConfigError')
    expect(err.message.split('\n')[0]).toBe('invalid test-service configuration:')
    for (const name of ['PORT', 'SIZE', 'LOG_LEVEL', 'SECRET']) expect(err.message).toMatch(new RegExp(`^  ${name}: `, 'm'))
    expect(err.message).toContain('SECRET: must be at least 10 characters')
    expect(err.message).not.toContain('hunter2')
  })

  it('adds the problems found across variables', () => {
    const err = failure({ SECRET: 'long enough secret' }, [{ variable: 'OTHER', message: 'is required when PORT is 0' }])
    expect(err.message).toBe('invalid test-service configuration:\n  OTHER: is required when PORT is 0')
    expect(failure({}, [{ variable: 'OTHER', message: 'needed' }]).message).toMatch(/SECRET[\s\S]*OTHER: needed/)
  })
})

describe('byteSizeSchema', () => {
  it('says what was expected', () => {
    expect(byteSizeSchema().safeParse('0').error?.issues[0]?.message).toBe('"0" is not a positive size (plain bytes, or a unit: 500MiB, 10GiB, 1TB)')
    expect(byteSizeSchema({ what: 'number of bytes per second', examples: '20MiB' }).safeParse('fast').error?.issues[0]?.message)
      .toBe('"fast" is not a positive number of bytes per second (plain bytes, or a unit: 20MiB)')
  })
})
