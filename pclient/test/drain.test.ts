// Closing the web client drains it, over real HTTP and gRPC on loopback: it stops taking connections
// at once, lets a download in flight finish whole, and only then has closed; a download that outlasts
// the grace is cut. The test holds the download's reader still while it looks, so the transfer cannot
// end before it has.
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import type { FileView } from '@p2p/proto'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp } from './helpers/client-app.js'
import { sha256Hex, startFakePeer } from './helpers/fake-peer.js'
import type { FakePeer } from './helpers/fake-peer.js'

const content = randomBytes(24 * 1024 * 1024)

let app: FastifyInstance | undefined
let peer: FakePeer | undefined
afterEach(async () => {
  await app?.close()
  await peer?.close()
  app = undefined
  peer = undefined
})

async function listeningApp (drainGraceMs: number): Promise<string> {
  peer = await startFakePeer('peer-a')
  peer.files.set('big.bin', { content })
  const target = peer
  const locate = async (name: string): Promise<FileView> => ({
    name, size: content.length, sha256: sha256Hex(content), addedAt: '2026-01-01T00:00:00.000Z',
    holders: [{ peerId: target.peerId, grpcAddress: target.address, freeBytes: 0, activeTransfers: 0 }], replicas: 1, status: 'under-replicated'
  })
  app = await buildTestApp({ central: { locate }, drainGraceMs })
  await app.listen({ host: '127.0.0.1', port: 0 })
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
}

/** A download whose first bytes have arrived; its reader waits until read() is called. */
async function startedDownload (url: string): Promise<{ read: () => Promise<string> }> {
  const response = await fetch(`${url}/download/big.bin`)
  expect(response.status).toBe(200)
  const reader = response.body!.getReader()
  const hash = createHash('sha256')
  const first = await reader.read()
  hash.update(first.value!)
  return {
    read: async () => {
      for (let chunk = await reader.read(); chunk.done !== true; chunk = await reader.read()) hash.update(chunk.value)
      return hash.digest('hex')
    }
  }
}

describe('closing the web client', () => {
  it('takes no new connection and lets the download in flight finish before it has closed', async () => {
    const url = await listeningApp(60_000)
    const download = await startedDownload(url)
    let closed = false
    const closing = app!.close().then(() => { closed = true })

    await expect(fetch(`${url}/health`)).rejects.toThrow()
    expect(closed).toBe(false)
    expect(await download.read()).toBe(sha256Hex(content))
    await closing
    app = undefined
  })

  it('answers a request that arrives on an open connection while it drains 503 PCLIENT_SHUTTING_DOWN, after the download in flight', async () => {
    const url = await listeningApp(60_000)
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1')
    await once(socket, 'connect')
    const received: Buffer[] = []
    socket.on('data', (chunk: Buffer) => { received.push(chunk) })
    socket.write('GET /download/big.bin HTTP/1.1\r\nHost: x\r\n\r\n')
    await once(socket, 'data')
    // The reader holds still: the download cannot end before the next request is in.
    socket.pause()
    const closing = app!.close()
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n')
    socket.resume()
    await once(socket, 'close')
    await closing
    app = undefined
    const all = Buffer.concat(received)
    expect(all.subarray(0, 15).toString()).toBe('HTTP/1.1 200 OK')
    const second = all.subarray(all.lastIndexOf('HTTP/1.1 ')).toString()
    expect(second).toMatch(/^HTTP\/1\.1 503 /)
    expect(second).toMatch(/connection: close/i)
    expect(second).toContain('"error":"PCLIENT_SHUTTING_DOWN"')
    expect(all.length - second.length).toBeGreaterThan(content.length)
  })

  it('cuts a download that outlasts the grace', async () => {
    const url = await listeningApp(100)
    const download = await startedDownload(url)
    await app!.close()
    app = undefined
    await expect(download.read()).rejects.toThrow()
  })
})
