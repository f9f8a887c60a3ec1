import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp } from '../helpers/client-app.js'

describe('GET /static/*', () => {
  let app: FastifyInstance | undefined
  afterEach(async () => { await app?.close() })

  it("serves the page's script modules, stylesheet and icon", async () => {
    app = await buildTestApp()
    for (const [url, type] of [['/static/js/main.js', /javascript/], ['/static/css/app.css', /^text\/css/], ['/static/icon.svg', /^image\/svg\+xml/]] as const) {
      const response = await app.inject({ method: 'GET', url })
      expect(response.statusCode, url).toBe(200)
      expect(response.headers['content-type'], url).toMatch(type)
    }
  })

  it('every module the page script imports is there', async () => {
    app = await buildTestApp()
    const seen = new Set<string>()
    const pending = ['main.js']
    while (pending.length > 0) {
      const name = pending.pop()!
      if (seen.has(name)) continue
      seen.add(name)
      const response = await app.inject({ method: 'GET', url: `/static/js/${name}` })
      expect(response.statusCode, name).toBe(200)
      for (const match of response.body.matchAll(/from '\.\/([\w-]+\.js)'/g)) pending.push(match[1]!)
    }
    expect(seen.size).toBeGreaterThan(5)
  })

  it('answers 404 with the JSON error for anything else, and never leaves its folder', async () => {
    app = await buildTestApp()
    for (const url of ['/static/nope.js', '/static/../src/app.ts', '/static/%2e%2e/package.json']) {
      const response = await app.inject({ method: 'GET', url })
      expect(response.statusCode, url).toBe(404)
    }
  })
})
