import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp } from '../helpers/client-app.js'

describe('GET /list_files/', () => {
  let app: FastifyInstance | undefined
  afterEach(async () => { await app?.close() })

  it('answers 502 PCLIENT_CENTRAL_UNREACHABLE when the central is down', async () => {
    app = await buildTestApp()
    const response = await app.inject({ method: 'GET', url: '/list_files/' })
    expect(response.statusCode).toBe(502)
    expect(response.json()).toMatchObject({ statusCode: 502, error: 'PCLIENT_CENTRAL_UNREACHABLE' })
  })

  it("relays the central's list", async () => {
    const files = [{ name: 'a.txt', size: 1, sha256: 'cd'.repeat(32), addedAt: '2026-01-01T00:00:00.000Z', holders: [], replicas: 0, status: 'under-replicated' as const }]
    app = await buildTestApp({ central: { listFiles: async () => files } })
    const response = await app.inject({ method: 'GET', url: '/list_files/' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ files, next: null })
  })

  it('answers one page of the central\'s list when asked for a limit, passing the cursor and filter on', async () => {
    const files = [{ name: 'b.txt', size: 2, sha256: 'ef'.repeat(32), addedAt: '2026-01-01T00:00:00.000Z', holders: [], replicas: 0, status: 'under-replicated' as const }]
    const asked: unknown[] = []
    app = await buildTestApp({ central: { listFilesPage: async (query) => { asked.push(query); return { files, next: 'after-b' } } } })
    const response = await app.inject({ method: 'GET', url: '/list_files/?limit=1&cursor=after-a&q=b' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ files, next: 'after-b' })
    expect(asked).toEqual([{ limit: 1, cursor: 'after-a', q: 'b' }])
  })

  it('refuses a limit past the central\'s largest page with PCLIENT_VALIDATION', async () => {
    app = await buildTestApp()
    const response = await app.inject({ method: 'GET', url: '/list_files/?limit=5000' })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ error: 'PCLIENT_VALIDATION' })
  })
})

describe('GET /api/replication', () => {
  let app: FastifyInstance | undefined
  afterEach(async () => { await app?.close() })

  it('relays the central\'s replication report', async () => {
    const report = { replicationFactor: 2, files: 3, underReplicated: [], lost: [{ name: 'gone.txt', size: 1, sha256: 'ab'.repeat(32), addedAt: '2026-01-01T00:00:00.000Z' }], copiesInProgress: 1 }
    app = await buildTestApp({ central: { replication: async () => report } })
    const response = await app.inject({ method: 'GET', url: '/api/replication' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual(report)
  })

  it('answers 502 PCLIENT_CENTRAL_UNREACHABLE when the central is down', async () => {
    app = await buildTestApp()
    const response = await app.inject({ method: 'GET', url: '/api/replication' })
    expect(response.statusCode).toBe(502)
  })
})
