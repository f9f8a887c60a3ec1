import { execFile } from 'node:child_process'
import { setFlagsFromString } from 'node:v8'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { runInNewContext } from 'node:vm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { externalBytes, startBufferCollector } from '../../src/runtime/buffer-collector.js'
import type { BufferCollector } from '../../src/runtime/buffer-collector.js'
import { waitFor } from './gc-watch.js'

const MiB = 1024 * 1024
const run = promisify(execFile)

setFlagsFromString('--expose-gc')
const collect = (runInNewContext('gc') as (options: { type: 'minor' | 'major' }) => void)
const collectYoung = collect

// The buffers are handed to nothing but a sum: an assertion on them would keep them reachable.

/** 40 MiB of buffers that die in the old generation: kept across young collections, as a chunk in flight is, then dropped. */
function buffersDiedOld (): number {
  let held: Buffer[] | null = Array.from({ length: 40 }, () => Buffer.alloc(MiB, 1))
  for (let i = 0; i < 3; i++) collectYoung({ type: 'minor' })
  const size = held.reduce((sum, buffer) => sum + buffer.length, 0)
  held = null
  collectYoung({ type: 'minor' })
  return size
}

let collector: BufferCollector | null = null
// From a clean heap: V8 starts a full collection of its own once buffers grow about 64 MiB past what
// the last one left, and a young collection asked for meanwhile finishes it, freeing the old buffers too.
// V8 frees buffers on a background thread after a collection: the turn after lets it settle, so that
// the collector starts from what is really left.
beforeEach(async () => {
  collect({ type: 'major' })
  await new Promise((resolve) => setTimeout(resolve, 50))
})
afterEach(() => { collector?.stop() })

describe('buffer collector', () => {
  // Young collections as buffers grow: garbage-pacer.test.ts, which moves them over many turns of the loop.

  it('frees buffers that died old with a full collection once what young ones leave grew past the old slack', async () => {
    collector = startBufferCollector({ busy: () => true, youngSlackBytes: 4 * MiB, oldSlackBytes: 16 * MiB, everyMs: 5 })
    const before = externalBytes()
    expect(buffersDiedOld()).toBe(40 * MiB)
    expect(externalBytes() - before).toBeGreaterThan(30 * MiB)
    await waitFor('the dead buffers to be freed', () => externalBytes() - before < 8 * MiB)
  })

  it('leaves an idle process alone', async () => {
    let looked = 0
    collector = startBufferCollector({ busy: () => { looked++; return false }, youngSlackBytes: 4 * MiB, oldSlackBytes: 16 * MiB, everyMs: 5 })
    const before = externalBytes()
    expect(buffersDiedOld()).toBe(40 * MiB)
    await waitFor('the collector to look a few times', () => looked >= 5)
    expect(externalBytes() - before).toBeGreaterThan(30 * MiB)
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

describe('old generation', () => {
  const fixture = fileURLToPath(new URL('./fixtures/old-generation.ts', import.meta.url))
  /** The growing factors V8 printed for the old generation's next limit after each full collection. */
  const factorsChosen = async (mode: 'served' | 'default'): Promise<number[]> => {
    const { stdout } = await run(process.execPath, ['--trace-gc-verbose', '--conditions=source', '--import', 'tsx', fixture, mode], { maxBuffer: 64 * MiB })
    return [...stdout.matchAll(/\[HeapController\] factor ([\d.]+)/g)].map((match) => Number(match[1]))
  }

  it('may grow to twice its live size in a service before V8 collects it fully (V8 picks 1.1 to 4 itself)', async () => {
    const twice = await factorsChosen('served')
    expect(twice.length).toBeGreaterThan(0)
    expect(new Set(twice)).toEqual(new Set([2]))
    expect((await factorsChosen('default')).some((factor) => factor !== 2)).toBe(true)
  }, 30_000)
})

describe('incremental marking', () => {
  const fixture = fileURLToPath(new URL('./fixtures/incremental-marking.ts', import.meta.url))
  const collections = async (mode: 'default' | 'without-marking'): Promise<{ incremental: number, major: number }> => {
    const { stdout } = await run(process.execPath, ['--conditions=source', '--import', 'tsx', fixture, mode])
    return JSON.parse(stdout) as { incremental: number, major: number }
  }

  it('is off in a service served without it (the proxy): V8 then never marks its heap step by step', async () => {
    expect((await collections('default')).incremental).toBeGreaterThan(0)
    expect((await collections('without-marking')).incremental).toBe(0)
  }, 30_000)
})
