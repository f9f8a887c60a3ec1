import type { FileView } from '@p2p/proto'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp } from '../helpers/client-app.js'

const SHA = 'ab'.repeat(32)

function file (name: string, size: number, holders: string[]): FileView {
  return {
    name, size, sha256: SHA, addedAt: '2026-01-01T00:00:00.000Z',
    holders: holders.map((peerId, i) => ({ peerId, grpcAddress: `127.0.0.1:${5000 + i}`, freeBytes: 0, activeTransfers: 0 })),
    replicas: holders.length,
    status: holders.length >= 2 ? 'ok' : 'under-replicated'
  }
}

describe('GET /', () => {
  let app: FastifyInstance | undefined
  afterEach(async () => { await app?.close() })

  it('renders the upload form and a notice when the central is unreachable', async () => {
    app = await buildTestApp()
    const response = await app.inject({ method: 'GET', url: '/' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    expect(response.body).toContain('id="central-unreachable"')
    expect(response.body).toMatch(/<form method="post" action="\/upload_file\/" enctype="multipart\/form-data">/)
    expect(response.body).toContain('name="file"')
  })

  it('lists every file with a correctly encoded link, its size, short hash and holders', async () => {
    app = await buildTestApp({ central: { listFiles: async () => [file('a #1 ?%.txt', 1536, ['peer-a', 'peer-b']), file('plain.bin', 10, ['peer-c'])] } })
    const response = await app.inject({ method: 'GET', url: '/' })
    expect(response.statusCode).toBe(200)
    expect(response.body).not.toContain('id="central-unreachable"')
    expect(response.body).toContain('href="/download/a%20%231%20%3F%25.txt"')
    expect(response.body).toContain('href="/download/plain.bin"')
    expect(response.body).toContain('1.5 KiB')
    expect(response.body).toContain(SHA.slice(0, 12))
    expect(response.body).toContain('peer-a, peer-b')
  })

  it('escapes file names and messages', async () => {
    app = await buildTestApp({ central: { listFiles: async () => [file('<img src=x onerror=alert(1)>.txt', 1, ['peer-a'])] } })
    const response = await app.inject({ method: 'GET', url: `/?message=${encodeURIComponent('<script>alert(1)</script>')}&error=${encodeURIComponent('"><b>bad</b>')}` })
    expect(response.body).not.toContain('<img src=x')
    expect(response.body).toContain('&lt;img src=x onerror=alert(1)&gt;.txt')
    expect(response.body).not.toContain('<script>alert(1)</script>')
    expect(response.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(response.body).toContain('&quot;&gt;&lt;b&gt;bad&lt;/b&gt;')
  })

  it('shows the message a redirect carried', async () => {
    app = await buildTestApp({ central: { listFiles: async () => [] } })
    const response = await app.inject({ method: 'GET', url: `/?message=${encodeURIComponent('Uploaded x.txt to peer-a')}` })
    expect(response.body).toContain('role="status">Uploaded x.txt to peer-a<')
    expect(response.body).toContain('No files on the network yet.')
  })
})
