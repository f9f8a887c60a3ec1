// The thread must answer every request, even for a job that is gone, so its callers' counts stay true.
import { Worker } from 'node:worker_threads'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'

let thread: Worker
afterEach(async () => { await thread.terminate() })

async function ask (message: unknown[]): Promise<unknown[]> {
  const answer = once(thread, 'message')
  thread.postMessage(message)
  const [reply] = await answer
  return reply as unknown[]
}

describe('the hashing thread', () => {
  it('answers a piece and an end even for a job it does not know', async () => {
    thread = new Worker(new URL('../../src/hashing/hash-thread.mjs', import.meta.url), { execArgv: [] })
    const piece = await ask(['piece', 7])
    expect(piece[0]).toBe('piece')
    expect((piece[2] as Uint8Array).length).toBe(32)
    expect(await ask(['end', 7])).toEqual(['end', 7, '', new ArrayBuffer(0)])
  })
})
