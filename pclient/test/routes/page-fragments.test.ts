import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp } from '../helpers/client-app.js'
import { HEALTH, file, peer } from '../helpers/page-fixtures.js'

describe('the page fragments its script refreshes', () => {
  let app: FastifyInstance | undefined
  afterEach(async () => { await app?.close() })

  it('GET /fragments/files is the file list alone, filtered and sorted as asked', async () => {
    app = await buildTestApp({ central: { listFiles: async () => [file('a.txt', 1, ['p1']), file('b.txt', 2, ['p1'])] } })
    const response = await app.inject({ method: 'GET', url: '/fragments/files?q=b&sort=name' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.body).not.toContain('<html')
    expect(response.body).toContain('data-name="b.txt"')
    expect(response.body).not.toContain('data-name="a.txt"')
  })

  it('GET /fragments/files says when the central cannot be asked', async () => {
    app = await buildTestApp()
    const response = await app.inject({ method: 'GET', url: '/fragments/files' })
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('id="central-unreachable"')
  })

  it('GET /fragments/network is the peers and the central status alone', async () => {
    app = await buildTestApp({ central: { health: async () => HEALTH, listPeers: async () => [peer('peer-9', 100, 50)] } })
    const response = await app.inject({ method: 'GET', url: '/fragments/network' })
    expect(response.statusCode).toBe(200)
    expect(response.body).not.toContain('<html')
    expect(response.body).toContain('<tr data-peer="peer-9">')
    expect(response.body).toContain('id="central-status"')
  })
})
