import { CentralRequestError } from '@p2p/proto'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp } from '../helpers/client-app.js'
import { file, peer } from '../helpers/page-fixtures.js'

const notFound = async (): Promise<never> => { throw new CentralRequestError(404, 'CENTRAL_FILE_NOT_FOUND', 'no such file') }
const check = async (app: FastifyInstance, name: string, size: number): Promise<{ statusCode: number, body: { error?: string, name?: string } }> => {
  const response = await app.inject({ method: 'GET', url: `/api/upload-check?name=${encodeURIComponent(name)}&size=${size}` })
  return { statusCode: response.statusCode, body: response.json() }
}

describe('GET /api/upload-check', () => {
  let app: FastifyInstance | undefined
  afterEach(async () => { await app?.close() })

  it('accepts a good name that fits on some peer', async () => {
    app = await buildTestApp({ central: { listPeers: async () => [peer('p1', 100, 10), peer('p2', 100, 60)], locate: notFound } })
    expect(await check(app, 'a #1 ?%.txt', 60)).toEqual({ statusCode: 200, body: { name: 'a #1 ?%.txt', size: 60 } })
  })

  it('refuses what the upload would refuse, with the same codes', async () => {
    app = await buildTestApp({
      maxUploadBytes: 1000,
      central: { listPeers: async () => [peer('p1', 100, 50)], locate: async (name) => ({ ...file(name, 1, ['p1']), ticket: 't' }) }
    })
    expect((await check(app, '../x', 1)).body.error).toBe('PCLIENT_BAD_NAME')
    expect((await check(app, 'a.txt', 1001)).body.error).toBe('PCLIENT_TOO_LARGE')
    expect(await check(app, 'a.txt', 51)).toMatchObject({ statusCode: 507, body: { error: 'PCLIENT_NO_ROOM' } })
    expect(await check(app, 'a.txt', 50)).toMatchObject({ statusCode: 409, body: { error: 'PCLIENT_FILE_EXISTS' } })
  })

  it('accepts the name of a lost file (every holder gone), which may be uploaded again', async () => {
    const lost = async (): Promise<never> => { throw new CentralRequestError(404, 'CENTRAL_FILE_LOST', 'every holder is gone') }
    app = await buildTestApp({ central: { listPeers: async () => [peer('p1', 100, 50)], locate: lost } })
    expect(await check(app, 'a.txt', 10)).toEqual({ statusCode: 200, body: { name: 'a.txt', size: 10 } })
  })

  it('is 502 PCLIENT_CENTRAL_UNREACHABLE when the central is down', async () => {
    app = await buildTestApp()
    expect(await check(app, 'a.txt', 1)).toMatchObject({ statusCode: 502, body: { error: 'PCLIENT_CENTRAL_UNREACHABLE' } })
  })
})
