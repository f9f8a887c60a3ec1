import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { BROWSER_ACCEPT, buildTestApp } from '../helpers/client-app.js'

describe('error handler', () => {
  let app: FastifyInstance | undefined
  afterEach(async () => { await app?.close() })

  it('answers unknown routes with 404 PCLIENT_ROUTE_NOT_FOUND', async () => {
    app = await buildTestApp()
    const response = await app.inject({ method: 'GET', url: '/no/such/route', headers: { accept: BROWSER_ACCEPT } })
    expect(response.statusCode).toBe(404)
    expect(response.json()).toEqual({ statusCode: 404, error: 'PCLIENT_ROUTE_NOT_FOUND', message: 'no route GET /no/such/route' })
  })

  it('answers a zod validation failure with 400 PCLIENT_VALIDATION', async () => {
    app = await buildTestApp()
    const response = await app.inject({ method: 'GET', url: `/?uploaded=${'x'.repeat(3000)}` })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ statusCode: 400, error: 'PCLIENT_VALIDATION' })
    expect(response.json().message).toContain('querystring.uploaded')
  })

  it('answers a malformed URL with the same JSON shape', async () => {
    app = await buildTestApp()
    const response = await app.inject({ method: 'GET', url: '/download/%E0%A4%A' })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ statusCode: 400 })
    expect(response.json().error).toMatch(/^PCLIENT_/)
  })
})
