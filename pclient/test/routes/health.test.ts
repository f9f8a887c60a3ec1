import { afterEach, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildTestApp } from '../helpers/client-app.js'

describe('GET /health', () => {
  let app: FastifyInstance | undefined
  afterEach(async () => { await app?.close() })

  it('answers ok without asking the central', async () => {
    app = await buildTestApp()
    const response = await app.inject({ method: 'GET', url: '/health' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'ok' })
  })
})
