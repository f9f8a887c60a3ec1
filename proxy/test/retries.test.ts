// Which requests the proxy sends to another upstream when one fails: any request whose connection was
// refused (not one byte of it went out, so even a POST is safe to send again, whole and streamed), and
// never a POST the upstream has received, whether it died before answering or in the middle.
import http from 'node:http'
import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { closeAll, closedPort, startProxy, startUpstream } from './helpers.js'

afterEach(closeAll)

/** 1 MiB in 64 KiB pieces, streamed, with its sha256. */
function upload (): { body: ReadableStream<Uint8Array>, bytes: number, sha256: string } {
  const piece = Buffer.alloc(64 * 1024, 3)
  const pieces = 16
  const hash = createHash('sha256')
  for (let i = 0; i < pieces; i++) hash.update(piece)
  let sent = 0
  const body = new ReadableStream<Uint8Array>({
    pull (controller) {
      if (sent++ < pieces) controller.enqueue(piece)
      else controller.close()
    }
  })
  return { body, bytes: piece.length * pieces, sha256: hash.digest('hex') }
}

async function post (proxyPort: number, path: string): Promise<{ status: number, body: Record<string, unknown>, sent: { bytes: number, sha256: string } }> {
  const { body, bytes, sha256 } = upload()
  const response = await fetch(`http://127.0.0.1:${proxyPort}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-length': String(bytes) },
    duplex: 'half'
  } as RequestInit)
  return { status: response.status, body: await response.json() as Record<string, unknown>, sent: { bytes, sha256 } }
}

describe('proxy retries', () => {
  it('sends a POST whose connection was refused to the next upstream, its body whole', async () => {
    const answering = await startUpstream('a')
    const proxyPort = await startProxy([await closedPort(), answering.port])
    const { status, body, sent } = await post(proxyPort, '/upload')
    expect(status).toBe(200)
    expect(body).toEqual({ name: 'a', method: 'POST', url: '/upload', ...sent })
    expect(answering.requests).toEqual(['POST /upload'])
  })

  it('never sends again a POST that its upstream received and dropped before answering: 502', async () => {
    const [dropping, other] = [await startUpstream('r'), await startUpstream('a')]
    dropping.behaviour = 'reset'
    const proxyPort = await startProxy([dropping.port, other.port])
    const { status, body } = await post(proxyPort, '/upload')
    expect(status).toBe(502)
    expect(body).toMatchObject({ statusCode: 502, error: 'PROXY_UPSTREAM_UNREACHABLE' })
    expect(dropping.requests).toEqual(['POST /upload'])
    expect(other.requests).toEqual([])
    // It is out of turn now: the next request goes to the other.
    expect((await post(proxyPort, '/next')).status).toBe(200)
    expect(other.requests).toEqual(['POST /next'])
  })

  it('never sends again a POST whose upstream died in the middle of its answer: the client is cut off', async () => {
    const [dying, other] = [await startUpstream('d'), await startUpstream('a')]
    dying.behaviour = 'cut-answer'
    const proxyPort = await startProxy([dying.port, other.port])
    const outcome = await new Promise<{ status: number | undefined, complete: boolean }>((resolve, reject) => {
      const request = http.request(`http://127.0.0.1:${proxyPort}/upload`, { method: 'POST', headers: { 'content-length': '5' } }, (res) => {
        res.resume()
        res.on('error', () => {})
        res.on('close', () => { resolve({ status: res.statusCode, complete: res.complete }) })
      })
      request.on('error', reject)
      request.end('hello')
    })
    expect(outcome).toEqual({ status: 200, complete: false })
    expect(dying.requests).toEqual(['POST /upload'])
    expect(other.requests).toEqual([])
  })

  it('sends a GET that its upstream dropped before answering to the next upstream', async () => {
    const [dropping, other] = [await startUpstream('r'), await startUpstream('a')]
    dropping.behaviour = 'reset'
    const proxyPort = await startProxy([dropping.port, other.port])
    const response = await fetch(`http://127.0.0.1:${proxyPort}/files?q=x`)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ name: 'a', method: 'GET', url: '/files?q=x' })
    expect(dropping.requests).toEqual(['GET /files?q=x'])
  })
})
