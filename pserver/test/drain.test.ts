// A draining pserver, over real gRPC and a real HTTP central stand-in: it refuses every new transfer
// call UNAVAILABLE with PEER_DRAINING (Stat still answers), leaves the central while the running
// download is still under way, lets that download finish whole, and only then resolves; a download
// that outlasts the grace is cancelled and the drain ends anyway. The reader of the running download
// pauses while the test looks, so the transfer surely cannot end before it has.
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { status } from '@grpc/grpc-js'
import type { ServiceError } from '@grpc/grpc-js'
import type { FileChunk__Output } from '@p2p/proto'
import { afterEach, describe, expect, it } from 'vitest'
import { errorCode, fileInfoError, sha256, startTestPeer, stat, uploadError } from './helpers.js'
import type { TestPeer } from './helpers.js'

/** A central that registers the peer and records every request, as 'METHOD /path'. */
async function startRecordingCentral (): Promise<{ url: string, requests: string[], close: () => Promise<void> }> {
  const requests: string[] = []
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`)
      if (req.method === 'POST' && req.url === '/peers') {
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify({ peerId: 'peer-test', heartbeatIntervalMs: 60_000, expiresAfterMs: 180_000, replicate: [] }))
        return
      }
      res.statusCode = 204
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: async () => { await new Promise((resolve) => server.close(resolve)) }
  }
}

const content = randomBytes(24 * 1024 * 1024)

let t: TestPeer
let central: Awaited<ReturnType<typeof startRecordingCentral>>
afterEach(async () => {
  await t.close()
  await central.close()
})

/** A running download whose reader is paused after its first chunk. */
async function pausedDownload (peer: TestPeer): Promise<{ rest: () => Promise<Buffer>, failure: () => Promise<ServiceError> }> {
  const call = peer.client.Download({ name: 'big.bin', offset: 0, length: 0 })
  const parts: Buffer[] = []
  const ended = new Promise<ServiceError | null>((resolve) => {
    call.on('end', () => { resolve(null) })
    call.on('error', (err: ServiceError) => { resolve(err) })
  })
  await new Promise<void>((resolve) => {
    call.once('data', (chunk: FileChunk__Output) => {
      parts.push(chunk.data)
      call.pause()
      resolve()
    })
  })
  call.on('data', (chunk: FileChunk__Output) => { parts.push(chunk.data) })
  return {
    rest: async () => {
      call.resume()
      const err = await ended
      if (err != null) throw err
      return Buffer.concat(parts)
    },
    failure: async () => {
      call.resume()
      const err = await ended
      if (err == null) throw new Error('the download finished')
      return err
    }
  }
}

describe('drain', () => {
  it('refuses new transfers, leaves the central, and lets the running download finish before it resolves', async () => {
    central = await startRecordingCentral()
    t = await startTestPeer({ centralUrl: central.url, files: { 'big.bin': content, 'small.txt': 'hello' } })
    expect(await t.peer.announcer.start(t.address)).toBe(true)
    const running = await pausedDownload(t)

    let drained = false
    const draining = t.peer.drain(60_000).then(() => { drained = true })
    await expect.poll(() => central.requests.includes('DELETE /peers/peer-test')).toBe(true)

    const refusedDownload = await new Promise<ServiceError>((resolve) => {
      t.client.Download({ name: 'small.txt', offset: 0, length: 0 }).on('error', resolve)
    })
    const refusedInfo = await fileInfoError(t.client, { name: 'small.txt', sha256: '' })
    const data = Buffer.from('new file')
    const refusedUpload = await uploadError(t.client, { name: 'new.txt', size: data.length, sha256: sha256(data) }, [data])
    for (const err of [refusedDownload, refusedInfo, refusedUpload]) {
      expect(err.code).toBe(status.UNAVAILABLE)
      expect(errorCode(err)).toBe('PEER_DRAINING')
    }
    expect(await stat(t.client)).toMatchObject({ activeTransfers: 1 })
    expect(drained).toBe(false)

    expect(sha256(await running.rest())).toBe(sha256(content))
    await draining
    expect(t.peer.transfers.count()).toBe(0)
    // Left once, and told nothing after leaving.
    expect(central.requests.filter((request) => request.startsWith('DELETE '))).toEqual(['DELETE /peers/peer-test'])
    expect(central.requests.at(-1)).toBe('DELETE /peers/peer-test')
  })

  it('cancels the transfers still running when the grace is over, and resolves', async () => {
    central = await startRecordingCentral()
    t = await startTestPeer({ centralUrl: central.url, files: { 'big.bin': content } })
    expect(await t.peer.announcer.start(t.address)).toBe(true)
    const running = await pausedDownload(t)

    await t.peer.drain(200)
    expect(t.peer.transfers.count()).toBe(0)
    expect((await running.failure()).code).toBe(status.CANCELLED)
  })
})
