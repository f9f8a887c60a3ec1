// Hostile input against a real network: every attempt gets its exact error, and afterwards nothing
// has changed - not the directory, not a byte on any peer's disk - and every service still answers.
import http from 'node:http'
import net from 'node:net'
import { once } from 'node:events'
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import * as grpc from '@grpc/grpc-js'
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest'
import { createCentralClient, deriveClusterKeys, issueTicket, signRequest, TICKET_METADATA_KEY } from '@p2p/proto'
import { createPeerFilesClient } from '@p2p/proto/grpc'
import type { ClusterKeys, FileView, PeerView, UploadRequest } from '@p2p/proto'
import { getJson, startTestNetwork } from './helpers.js'
import type { TestNetwork } from './helpers.js'

let network: TestNetwork
let keys: ClusterKeys

beforeAll(async () => {
  // One copy per file: copies made in the background would change the disks these tests compare.
  network = await startTestNetwork({ peers: 2, heartbeatIntervalMs: 1000, capacity: () => '64MiB', replicationFactor: 1 })
  keys = deriveClusterKeys(network.clusterSecret)
})

afterAll(async () => {
  await network?.teardown()
})

/** Every file under a peer's data folder with its size: layout-agnostic evidence that nothing was written. */
async function diskSnapshot (dir: string): Promise<string[]> {
  const entries: string[] = []
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name)
      if (entry.isDirectory()) await walk(full)
      else entries.push(`${path.relative(dir, full)} ${(await stat(full)).size}`)
    }
  }
  await walk(dir)
  return entries.sort()
}

interface Snapshot { files: unknown, peers: unknown, disks: string[][] }

async function snapshot (): Promise<Snapshot> {
  const files = (await getJson<{ files: FileView[] }>(`${network.central.url}/files`)).files
    .map((f) => ({ name: f.name, size: f.size, sha256: f.sha256, holders: f.holders.map((h) => h.peerId).sort() }))
  const peers = (await getJson<{ peers: PeerView[] }>(`${network.central.url}/peers`)).peers.map((p) => p.peerId).sort()
  const disks = await Promise.all(network.peers.map(async (p) => await diskSnapshot(p.dataDir)))
  return { files, peers, disks }
}

let before: Snapshot
beforeEach(async () => { before = await snapshot() })
afterEach(async () => {
  expect(await snapshot()).toEqual(before)
  for (const url of [network.central.url + '/health', ...network.peers.map((p) => p.url + '/health')]) {
    expect((await fetch(url)).status).toBe(200)
  }
})

/** A multipart upload whose filename is exactly `filename`, bytes and all (FormData would escape it). */
async function rawMultipartUpload (pageUrl: string, filename: string): Promise<{ status: number, body: { error?: string } }> {
  const boundary = 'hostile-boundary-7d1f'
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="`),
    Buffer.from(filename, 'utf8'),
    Buffer.from(`"\r\nContent-Type: application/octet-stream\r\n\r\nhostile bytes\r\n--${boundary}--\r\n`)
  ])
  const url = new URL(`${pageUrl}/upload_file/`)
  return await new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length, accept: 'application/json' } }, (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => { text += chunk.toString() })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { error?: string } }) })
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** GET with the path sent exactly as written (fetch would normalise dot segments). */
async function rawGet (baseUrl: string, rawPath: string): Promise<{ status: number, body: string }> {
  const { hostname, port } = new URL(baseUrl)
  return await new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path: rawPath, method: 'GET', headers: { accept: 'application/json' } }, (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => { text += chunk.toString() })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: text }) })
    })
    req.on('error', reject)
    req.end()
  })
}

describe('file names that are paths', () => {
  it.each([
    ['../x'], ['../../etc/passwd'], ['/etc/passwd'], ['a\\b'], ['..\\x'], ['C:\\Windows\\x'],
    ['a\u0000b'], ['x'.repeat(256)], ['\uff0e\uff0e'], ['\uff0e\uff0e\uff0fx'], ['\u2025'], ['dir/name.txt'],
    // Invisible format characters: 'rtl\u202Etxt.exe' would show as 'rtlexe.txt'.
    ['rtl\u202Etxt.exe'], ['zero\u200Bwidth.txt'], ['\u2066isolated.txt\u2069']
  ])('refuses the multipart filename %j with 400 PCLIENT_BAD_NAME', async (filename) => {
    const response = await rawMultipartUpload(network.peers[0]!.url, filename)
    expect(response.status).toBe(400)
    expect(response.body.error).toBe('PCLIENT_BAD_NAME')
  })

  it.each([
    ['/download/..%2Fx'], ['/download/..%2F..%2Fetc%2Fpasswd'], ['/download/%2Fetc%2Fpasswd'], ['/download/a%5Cb'],
    ['/download/a%00b'], [`/download/${'x'.repeat(256)}`], ['/download/%EF%BC%8E%EF%BC%8E'], ['/download/..']
  ])('refuses the download path %s with a 4xx JSON error', async (rawPath) => {
    const response = await rawGet(network.peers[0]!.url, rawPath)
    expect([400, 404]).toContain(response.status)
    const body = JSON.parse(response.body) as { error: string }
    expect(['PCLIENT_BAD_NAME', 'PCLIENT_VALIDATION', 'PCLIENT_ROUTE_NOT_FOUND']).toContain(body.error)
    expect(response.body).not.toContain('root:')
  })
})

describe('cluster membership at the central', () => {
  const registration = { peerId: 'intruder', grpcAddress: '127.0.0.1:1', capacityBytes: 1e12, freeBytes: 1e12, files: [{ name: 'welcome.txt', size: 1, sha256: 'f'.repeat(64) }] }

  async function send (method: string, urlPath: string, body: unknown, signer?: { id: string, key: Uint8Array }): Promise<{ status: number, error: string }> {
    const payload = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)
    const headers: Record<string, string> = payload === '' ? {} : { 'content-type': 'application/json' }
    if (signer != null) Object.assign(headers, signRequest(signer.key, { signer: signer.id, method, path: urlPath, body: payload }))
    const response = await fetch(network.central.url + urlPath, { method, headers, body: payload === '' ? undefined : payload })
    return { status: response.status, error: ((await response.json()) as { error: string }).error }
  }

  it('refuses a registration without a signature', async () => {
    expect(await send('POST', '/peers', registration)).toEqual({ status: 401, error: 'CENTRAL_UNAUTHENTICATED' })
  })

  it('refuses a registration signed with the wrong secret', async () => {
    const wrong = deriveClusterKeys('w'.repeat(64)).peerRequests
    expect(await send('POST', '/peers', registration, { id: 'intruder', key: wrong })).toEqual({ status: 401, error: 'CENTRAL_UNAUTHENTICATED' })
  })

  it('refuses heartbeats, announcements and leaving without a valid signature', async () => {
    expect(await send('PUT', '/peers/peer-1/heartbeat', { freeBytes: 0 })).toEqual({ status: 401, error: 'CENTRAL_UNAUTHENTICATED' })
    expect(await send('POST', '/peers/peer-1/files', { name: 'evil.txt', size: 1, sha256: 'f'.repeat(64), freeBytes: 0 })).toEqual({ status: 401, error: 'CENTRAL_UNAUTHENTICATED' })
    expect(await send('DELETE', '/peers/peer-1', undefined)).toEqual({ status: 401, error: 'CENTRAL_UNAUTHENTICATED' })
  })

  it('refuses a member speaking for another peer', async () => {
    const asPeer2 = { id: 'peer-2', key: keys.peerRequests }
    expect(await send('PUT', '/peers/peer-1/heartbeat', { freeBytes: 0 }, asPeer2)).toEqual({ status: 403, error: 'CENTRAL_FORBIDDEN' })
    expect(await send('POST', '/peers/peer-1/files', { name: 'evil.txt', size: 1, sha256: 'f'.repeat(64), freeBytes: 0 }, asPeer2)).toEqual({ status: 403, error: 'CENTRAL_FORBIDDEN' })
    expect(await send('DELETE', '/peers/peer-1', undefined, asPeer2)).toEqual({ status: 403, error: 'CENTRAL_FORBIDDEN' })
    expect(await send('POST', '/peers', { ...registration, peerId: 'peer-1' }, asPeer2)).toEqual({ status: 403, error: 'CENTRAL_FORBIDDEN' })
  })

  it.each([
    ['POST', '/peers', '{"peerId": "x",'],
    ['POST', '/peers', '[]'],
    ['POST', '/peers', JSON.stringify({ ...registration, capacityBytes: 'lots' })],
    ['PUT', '/peers/peer-1/heartbeat', '{"freeBytes": -1}'],
    ['POST', '/peers/peer-1/files', JSON.stringify({ name: '../x', size: 1, sha256: 'f'.repeat(64), freeBytes: 0 })],
    ['POST', '/placements', '{"name": 5, "size": "big"}'],
    ['POST', '/placements', 'not json']
  ])('answers malformed or wrong-typed JSON to %s %s with 400 CENTRAL_VALIDATION', async (method, urlPath, body) => {
    const signer = urlPath.startsWith('/peers') ? { id: 'peer-1', key: keys.peerRequests } : { id: 'pclient:e2e', key: keys.peerRequests }
    expect(await send(method, urlPath, body, signer)).toEqual({ status: 400, error: 'CENTRAL_VALIDATION' })
  })
})

describe('transfer tickets at the pserver', () => {
  const member = (): ReturnType<typeof createCentralClient> => createCentralClient({ baseUrl: network.central.url, signer: { id: 'pclient:e2e', key: keys.peerRequests } })

  async function upload (address: string, ticket: string | null, header: { name: string, size: number }, chunks: Buffer[], end?: number): Promise<grpc.status> {
    const client = createPeerFilesClient(address)
    const metadata = new grpc.Metadata()
    if (ticket != null) metadata.set(TICKET_METADATA_KEY, ticket)
    try {
      return await new Promise<grpc.status>((resolve) => {
        const call = client.upload(metadata, { deadline: Date.now() + 10_000 }, (err) => { resolve(err == null ? grpc.status.OK : (err as grpc.ServiceError).code) })
        const messages: UploadRequest[] = [{ header: { ...header, sha256: '', sizeIsMaximum: false } }, ...chunks.map((chunk) => ({ chunk }))]
        if (end != null) messages.push({ end: { size: end, sha256: '' } })
        for (const message of messages) call.write(message)
        call.end()
      })
    } finally {
      client.close()
    }
  }

  const peerAddress = (id: string): string => network.peers.find((p) => p.id === id)!.grpcAddress

  it('refuses an upload without a ticket (UNAUTHENTICATED)', async () => {
    expect(await upload(network.peers[0]!.grpcAddress, null, { name: 'no-ticket.txt', size: 3 }, [Buffer.from('abc')], 3)).toBe(grpc.status.UNAUTHENTICATED)
  })

  it('refuses a forged ticket (UNAUTHENTICATED)', async () => {
    const forged = await issueTicket(deriveClusterKeys('f'.repeat(64)).transferTickets, { kind: 'upload', name: 'forged.txt', size: 3 }, ['peer-1', 'peer-2'])
    expect(await upload(peerAddress('peer-1'), forged, { name: 'forged.txt', size: 3 }, [Buffer.from('abc')], 3)).toBe(grpc.status.UNAUTHENTICATED)
  })

  it('refuses an expired ticket (UNAUTHENTICATED)', async () => {
    const expired = await issueTicket(keys.transferTickets, { kind: 'upload', name: 'late.txt', size: 3 }, ['peer-1', 'peer-2'], 1000, Date.now() - 3_600_000)
    expect(await upload(peerAddress('peer-1'), expired, { name: 'late.txt', size: 3 }, [Buffer.from('abc')], 3)).toBe(grpc.status.UNAUTHENTICATED)
  })

  it('refuses a real ticket replayed at another peer (PERMISSION_DENIED)', async () => {
    const placement = await member().place({ name: 'replayed.txt', size: 3 })
    const other = network.peers.find((p) => p.id !== placement.peerId)!
    expect(await upload(other.grpcAddress, placement.ticket!, { name: 'replayed.txt', size: 3 }, [Buffer.from('abc')], 3)).toBe(grpc.status.PERMISSION_DENIED)
  })

  it('refuses a real ticket used for a larger size or another name (PERMISSION_DENIED)', async () => {
    const placement = await member().place({ name: 'small.txt', size: 3 })
    expect(await upload(placement.grpcAddress, placement.ticket!, { name: 'small.txt', size: 4 }, [Buffer.from('abcd')], 4)).toBe(grpc.status.PERMISSION_DENIED)
    expect(await upload(placement.grpcAddress, placement.ticket!, { name: 'other.txt', size: 3 }, [Buffer.from('abc')], 3)).toBe(grpc.status.PERMISSION_DENIED)
  })

  it('discards a stream longer or shorter than declared (DATA_LOSS)', async () => {
    const placement = await member().place({ name: 'exact.txt', size: 3 })
    expect(await upload(placement.grpcAddress, placement.ticket!, { name: 'exact.txt', size: 3 }, [Buffer.from('abcdef')], 6)).toBe(grpc.status.DATA_LOSS)
    expect(await upload(placement.grpcAddress, placement.ticket!, { name: 'exact.txt', size: 3 }, [Buffer.from('ab')], 2)).toBe(grpc.status.DATA_LOSS)
    expect(await upload(placement.grpcAddress, placement.ticket!, { name: 'exact.txt', size: 3 }, [Buffer.from('abc')])).toBe(grpc.status.DATA_LOSS)
  })

  it('refuses a gRPC message over the size limit (RESOURCE_EXHAUSTED)', async () => {
    const placement = await member().place({ name: 'huge-message.bin', size: 8 * 1024 * 1024 })
    const status = await upload(placement.grpcAddress, placement.ticket!, { name: 'huge-message.bin', size: 8 * 1024 * 1024 }, [Buffer.alloc(8 * 1024 * 1024)], 8 * 1024 * 1024)
    expect(status).toBe(grpc.status.RESOURCE_EXHAUSTED)
  })

  it('refuses a download without a ticket, or with an upload ticket', async () => {
    const download = async (ticket: string | null): Promise<grpc.status> => {
      const client = createPeerFilesClient(network.peers[0]!.grpcAddress)
      const metadata = new grpc.Metadata()
      if (ticket != null) metadata.set(TICKET_METADATA_KEY, ticket)
      try {
        return await new Promise<grpc.status>((resolve) => {
          const call = client.download({ name: 'welcome.txt', offset: 0, length: 0 }, metadata, { deadline: Date.now() + 10_000 })
          call.on('data', () => {})
          call.on('error', (err: grpc.ServiceError) => { resolve(err.code) })
          call.on('end', () => { resolve(grpc.status.OK) })
        })
      } finally {
        client.close()
      }
    }
    expect(await download(null)).toBe(grpc.status.UNAUTHENTICATED)
    const uploadTicket = await issueTicket(keys.transferTickets, { kind: 'upload', name: 'welcome.txt', size: 10 }, ['peer-1'])
    expect(await download(uploadTicket)).toBe(grpc.status.PERMISSION_DENIED)
  })
})

describe('the proxy', () => {
  it('serves only its own upstream, whatever host or absolute URL the request names', async () => {
    let otherHit = false
    const other = http.createServer((_req, res) => { otherHit = true; res.end('other') })
    other.listen(0, '127.0.0.1')
    await once(other, 'listening')
    const otherPort = (other.address() as net.AddressInfo).port
    try {
      const { port } = new URL(network.peers[0]!.url)
      const socket = net.connect(Number(port), '127.0.0.1')
      socket.write(`GET http://127.0.0.1:${otherPort}/health HTTP/1.1\r\nHost: 127.0.0.1:${otherPort}\r\nConnection: close\r\n\r\n`)
      let raw = ''
      socket.on('data', (chunk: Buffer) => { raw += chunk.toString() })
      await once(socket, 'end')
      expect(otherHit).toBe(false)
      expect(raw).toMatch(/^HTTP\/1\.1 200/)
      expect(raw).toContain('"status":"ok"')
    } finally {
      other.close()
    }
  })

  it('closes a slow client that never finishes its headers', async () => {
    const { port } = new URL(network.peers[0]!.url)
    const socket = net.connect(Number(port), '127.0.0.1')
    await once(socket, 'connect')
    socket.on('error', () => {})
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n')
    let lines = 0
    // One header line a second, for at most 60 lines; the proxy's header timeout must cut it first.
    const trickle = setInterval(() => {
      if (lines++ < 60 && socket.writable) socket.write(`X-Slow-${lines}: 1\r\n`, () => {})
    }, 1000)
    // Not events.once: it would reject on the EPIPE a last trickled line may meet.
    await new Promise((resolve) => socket.once('close', resolve))
    clearInterval(trickle)
    expect(lines).toBeLessThan(60)
  })
})


describe('secrets', () => {
  it('never appear in any service log, nor on the web page', async () => {
    // Make every service log something first: a page view, a refused upload, a located download.
    await fetch(network.peers[0]!.url + '/')
    await rawMultipartUpload(network.peers[0]!.url, '../x')
    await fetch(`${network.peers[1]!.url}/download/welcome.txt`).then(async (r) => await r.arrayBuffer())
    const logDir = path.join(network.root, 'logs')
    const logs = await Promise.all((await readdir(logDir)).map(async (name) => await readFile(path.join(logDir, name), 'utf8')))
    expect(logs.length).toBeGreaterThanOrEqual(7)
    const secretHex = Buffer.from(keys.peerRequests).toString('hex')
    for (const text of [...logs, await (await fetch(network.peers[0]!.url + '/')).text()]) {
      expect(text).not.toContain(network.clusterSecret)
      expect(text).not.toContain(secretHex)
      expect(text).not.toMatch(/x-p2p-signature"?\s*:\s*"[A-Za-z0-9_-]{20,}/)
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/)
    }
  })
})
