import { memoryUsage } from 'node:process'
import { execFile } from 'node:child_process'
import { setFlagsFromString } from 'node:v8'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { runInNewContext } from 'node:vm'
import { afterEach, describe, expect, it } from 'vitest'
import { startBufferCollector } from '../../src/runtime/buffer-collector.js'
import type { BufferCollector } from '../../src/runtime/buffer-collector.js'

const MiB = 1024 * 1024

/** Polls `check` every 10 ms for at most 5 s (proto's tests depend on nothing but proto). */
async function waitFor (what: string, check: () => boolean): Promise<void> {
  for (let tries = 0; tries < 500; tries++) {
    if (check()) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`gave up waiting for ${what}`)
}
const run = promisify(execFile)

setFlagsFromString('--expose-gc')
const collectYoung = (runInNewContext('gc') as (options: { type: 'minor' }) => void)

/** Buffers that die in the old generation: kept across young collections, as a chunk in flight is, then dropped. */
function bufferDiedOld (): number {
  let held: Buffer[] | null = Array.from({ length: 40 }, () => Buffer.alloc(MiB, 1))
  for (let i = 0; i < 3; i++) collectYoung({ type: 'minor' })
  const size = held.reduce((sum, buffer) => sum + buffer.length, 0)
  held = null
  collectYoung({ type: 'minor' })
  return size
}

let collector: BufferCollector | null = null
afterEach(() => { collector?.stop() })

describe('buffer collector', () => {
  it('frees buffers that died old once their total grows past the slack, while busy', async () => {
    collector = startBufferCollector({ busy: () => true, slackBytes: 16 * MiB, everyMs: 5 })
    const before = memoryUsage().arrayBuffers
    bufferDiedOld()
    expect(memoryUsage().arrayBuffers - before).toBeGreaterThan(30 * MiB)
    await waitFor('the dead buffers to be freed', () => memoryUsage().arrayBuffers - before < 8 * MiB)
  })

  it('leaves an idle process alone', async () => {
    let looked = 0
    collector = startBufferCollector({ busy: () => { looked++; return false }, slackBytes: 16 * MiB, everyMs: 5 })
    const before = memoryUsage().arrayBuffers
    bufferDiedOld()
    await waitFor('the collector to look a few times', () => looked >= 5)
    expect(memoryUsage().arrayBuffers - before).toBeGreaterThan(30 * MiB)
  })
})

describe('young generation', () => {
  const fixture = fileURLToPath(new URL('./fixtures/young-generation.ts', import.meta.url))
  const youngBytesAfterLoad = async (mode: 'small' | 'default'): Promise<number> => {
    const { stdout } = await run(process.execPath, ['--conditions=source', '--import', 'tsx', fixture, mode])
    return Number(stdout)
  }

  it('stays at its starting size however many young objects survive (V8 grows it otherwise)', async () => {
    expect(await youngBytesAfterLoad('default')).toBeGreaterThan(16 * MiB)
    expect(await youngBytesAfterLoad('small')).toBeLessThanOrEqual(4 * MiB)
  }, 30_000)
})
