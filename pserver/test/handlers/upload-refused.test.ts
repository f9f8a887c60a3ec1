// An upload the central refuses to list (the network gave its name to another file) is never confirmed
// and never kept: the central is the one judge of what a name stands for.
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { status } from '@grpc/grpc-js'
import { afterEach, describe, expect, it } from 'vitest'
import { errorCode, sha256, startTestPeer, storedContents, uploadError, upload } from '../helpers.js'
import type { TestPeer } from '../helpers.js'

/** A central over real HTTP that registers the peer and answers every announce with `announceStatus`. */
async function startScriptedCentral (announceStatus: number): Promise<{ url: string, announced: string[], close: () => Promise<void> }> {
  const announced: string[] = []
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => { body += chunk.toString() })
    req.on('end', () => {
      res.setHeader('content-type', 'application/json')
      if (req.method === 'POST' && req.url === '/peers') {
        res.end(JSON.stringify({ peerId: 'peer-test', heartbeatIntervalMs: 60_000, expiresAfterMs: 180_000, replicate: [] }))
      } else if (req.method === 'POST' && req.url === '/peers/peer-test/files') {
        announced.push((JSON.parse(body) as { name: string }).name)
        res.statusCode = announceStatus
        res.end(announceStatus === 204 ? undefined : JSON.stringify({ statusCode: 409, error: 'CENTRAL_FILE_EXISTS', message: "a file named 'x' is being uploaded" }))
      } else {
        res.statusCode = 204
        res.end()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    announced,
    close: async () => { await new Promise((resolve) => server.close(resolve)) }
  }
}

let t: TestPeer
let central: Awaited<ReturnType<typeof startScriptedCentral>>
afterEach(async () => {
  await t.close()
  await central.close()
})

describe('Upload refused by the central', () => {
  it('answers ALREADY_EXISTS and keeps neither the name nor the bytes', async () => {
    central = await startScriptedCentral(409)
    t = await startTestPeer({ centralUrl: central.url })
    expect(await t.peer.announcer.start(t.address)).toBe(true)
    const data = randomBytes(100_000)
    const err = await uploadError(t.client, { name: 'race.bin', size: data.length, sha256: sha256(data) }, [data])
    expect(err.code).toBe(status.ALREADY_EXISTS)
    expect(errorCode(err)).toBe('PEER_FILE_EXISTS')
    expect(err.details).toContain('another file')
    expect(central.announced).toEqual(['race.bin'])
    expect(await t.store.get('race.bin')).toBeNull()
    expect(await storedContents(t.dataDir)).toEqual([])
  })

  it('confirms and keeps an upload the central lists', async () => {
    central = await startScriptedCentral(204)
    t = await startTestPeer({ centralUrl: central.url })
    expect(await t.peer.announcer.start(t.address)).toBe(true)
    const answer = await upload(t.client, { name: 'fine.bin', size: 3 }, ['abc'])
    expect(answer).toMatchObject({ name: 'fine.bin', sha256: sha256('abc') })
    expect(central.announced).toEqual(['fine.bin'])
    expect(await t.store.get('fine.bin')).not.toBeNull()
  })
})
