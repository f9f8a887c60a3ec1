// A transfer's log lines carry its request id, over real gRPC: the caller's when its metadata has a
// well-formed one, a new UUID when it has none or one of another shape (which never reaches the log).
import { createPeerFilesClient } from '@p2p/proto/grpc'
import type { PeerFilesClientOptions } from '@p2p/proto'
import { afterEach, describe, expect, it } from 'vitest'
import { captureLogger, download, sha256, startTestPeer, upload } from '../helpers.js'
import type { TestPeer } from '../helpers.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

let t: TestPeer | undefined
afterEach(async () => { await t?.close() })

async function servedLine (options: PeerFilesClientOptions): Promise<Record<string, unknown>> {
  const { logger, lines } = captureLogger()
  t = await startTestPeer({ files: { 'a.txt': 'hello' }, logger })
  const client = createPeerFilesClient(t.address, options)
  try {
    expect((await download(client, { name: 'a.txt', offset: 0, length: 0 })).toString()).toBe('hello')
  } finally {
    client.close()
  }
  const line = lines.find((entry) => entry.msg === 'download served')
  if (line == null) throw new Error(`no 'download served' line in ${JSON.stringify(lines)}`)
  return line
}

describe('request ids in a transfer log', () => {
  it("logs a download under the caller's request id", async () => {
    expect(await servedLine({ requestId: 'trace:peer-1.abc_42' })).toMatchObject({ reqId: 'trace:peer-1.abc_42', file: 'a.txt', offset: 0, length: 5 })
  })

  it('gives a call without a request id a new one', async () => {
    expect((await servedLine({})).reqId).toMatch(UUID)
  })

  it('replaces a request id of another shape (too long, or with characters outside the allowed set)', async () => {
    for (const bad of ['x'.repeat(129), 'with space', '{"level":60}']) {
      const line = await servedLine({ requestId: bad })
      expect(line.reqId).toMatch(UUID)
      expect(JSON.stringify(line)).not.toContain(bad)
      await t?.close()
      t = undefined
    }
  })

  it("logs a stored upload under the caller's request id", async () => {
    const { logger, lines } = captureLogger()
    t = await startTestPeer({ logger })
    const client = createPeerFilesClient(t.address, { requestId: 'upload-7' })
    try {
      await upload(client, { name: 'up.txt', size: 3, sha256: sha256('abc') }, ['abc'])
    } finally {
      client.close()
    }
    expect(lines.find((entry) => entry.msg === 'file stored')).toMatchObject({ reqId: 'upload-7', file: 'up.txt' })
  })
})
