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
})
