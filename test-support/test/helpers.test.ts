// The shared test helpers do what their names say: polling gives up with the awaited thing's name,
// temporary folders are new and empty, the capturing logger keeps structured lines.
import fs from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { captureLogger, listDir, makeTempDir, waitFor } from '../src/index.js'

describe('waitFor', () => {
  it('resolves once the check turns true', async () => {
    let calls = 0
    await waitFor('the third call', () => ++calls >= 3)
    expect(calls).toBe(3)
  })

  it('fails after the timeout, naming what it waited for', async () => {
    await expect(waitFor('a thing that never happens', async () => false, 50)).rejects.toThrow('timed out waiting for a thing that never happens')
  })
})

describe('makeTempDir', () => {
  it('makes a new empty folder with the prefix', async () => {
    const dir = await makeTempDir('support-test-')
    try {
      expect(dir).toMatch(/support-test-[^/\\]+$/)
      expect(await listDir(dir)).toEqual([])
    } finally {
      await fs.rm(dir, { recursive: true, force: true })
    }
  })
})

describe('captureLogger', () => {
  it('keeps each line as an object', () => {
    const { logger, lines } = captureLogger()
    logger.warn({ file: 'a.txt' }, 'skipped')
    expect(lines).toMatchObject([{ level: 40, file: 'a.txt', msg: 'skipped' }])
  })
})
