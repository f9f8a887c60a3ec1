import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp } from '../helpers/client-app.js'
import { HEALTH, peer } from '../helpers/page-fixtures.js'

describe('GET /api/peers', () => {
  let app: FastifyInstance | undefined
  afterEach(async () => { await app?.close() })

  it("answers the central's peers and its status", async () => {
    const peers = [peer('peer-1', 100, 40)]
    app = await buildTestApp({ central: { health: async () => HEALTH, listPeers: async () => peers } })
    const response = await app.inject({ method: 'GET', url: '/api/peers' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ central: HEALTH, peers, next: null })
  })

  it('is 502 PCLIENT_CENTRAL_UNREACHABLE when the central is down', async () => {
    app = await buildTestApp()
    const response = await app.inject({ method: 'GET', url: '/api/peers' })
    expect(response.statusCode).toBe(502)
    expect(response.json()).toMatchObject({ error: 'PCLIENT_CENTRAL_UNREACHABLE' })
  })
})
