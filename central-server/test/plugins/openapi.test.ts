// The OpenAPI document at /docs/json lists every route with its schemas; the UI is served at /docs.
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestCentral } from '../helpers/central-app.js'
import type { TestCentral } from '../helpers/central-app.js'

let central: TestCentral
afterEach(async () => { await central.app.close() })

interface OpenApiDocument {
  openapi: string
  paths: Record<string, Record<string, { responses: Record<string, unknown>, requestBody?: unknown, security?: unknown }>>
  components?: { securitySchemes?: Record<string, unknown> }
}

describe('OpenAPI at /docs', () => {
  it('serves an OpenAPI document listing every route with its schemas', async () => {
    central = buildTestCentral()
    const response = await central.app.inject({ method: 'GET', url: '/docs/json' })
    expect(response.statusCode).toBe(200)
    const doc = response.json<OpenApiDocument>()
    expect(doc.openapi).toMatch(/^3\./)
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
    expect(routes.sort()).toEqual([
      'DELETE /files/{name}',
      'DELETE /peers/{peerId}',
      'GET /files',
      'GET /files/{name}',
      'GET /health',
      'GET /peers',
      'GET /replication',
      'POST /peers',
      'POST /peers/{peerId}/copies',
      'POST /peers/{peerId}/files',
      'POST /placements',
      'PUT /peers/{peerId}/heartbeat'
    ])
    expect(doc.paths['/placements']?.post?.requestBody).toBeDefined()
    expect(Object.keys(doc.paths['/placements']?.post?.responses ?? {}).sort()).toEqual(['201', '400', '401', '409', '429', '507'])
    expect(Object.keys(doc.paths['/peers/{peerId}/heartbeat']?.put?.responses ?? {}).sort()).toEqual(['200', '400', '401', '403', '404', '429'])

    // Signed routes say so; public ones do not.
    expect(Object.keys(doc.components?.securitySchemes ?? {})).toEqual(['clusterSignature'])
    const signed = routes.filter((route) => {
      const [method = '', path = ''] = route.split(' ')
      return doc.paths[path]?.[method.toLowerCase()]?.security != null
    })
    expect(signed.sort()).toEqual([
      'DELETE /files/{name}',
      'DELETE /peers/{peerId}',
      'GET /files/{name}',
      'POST /peers',
      'POST /peers/{peerId}/copies',
      'POST /peers/{peerId}/files',
      'POST /placements',
      'PUT /peers/{peerId}/heartbeat'
    ])
  })

  it('serves the UI', async () => {
    central = buildTestCentral()
    const response = await central.app.inject({ method: 'GET', url: '/docs/' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/text\/html/)
  })
})
