// DELETE /files/:name: passes the token to the central in the header it came in, answers what the
// central deleted, refuses without asking the central when there is no token or the request comes from
// another site, and maps every refusal of the central to the pclient's own code (403, 404, 410, 502).
import { CentralRequestError, DELETE_TOKEN_HEADER } from '@p2p/proto'
import type { CentralClient, DeletedFile, FileView } from '@p2p/proto'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp } from '../helpers/client-app.js'
import { file } from '../helpers/page-fixtures.js'

const TOKEN = 'a'.repeat(64)
const SHA = 'b'.repeat(64)

interface DeleteCall { name: string, token: string, requestId: string | undefined }

/** A central whose deleteFile records each call and answers with `answer` (or throws what it throws). */
function deletingCentral (answer: (name: string) => Promise<DeletedFile>): { central: Partial<CentralClient>, calls: DeleteCall[] } {
  const calls: DeleteCall[] = []
  return {
    calls,
    central: {
      deleteFile: async (name, token, options) => {
        calls.push({ name, token, requestId: options?.requestId })
        return await answer(name)
      }
    }
  }
}

const refusal = (statusCode: number, code: string) => async (): Promise<never> => { throw new CentralRequestError(statusCode, code, `the central says ${code}`) }

describe('DELETE /files/:name', () => {
  let app: FastifyInstance | undefined
  afterEach(async () => {
    await app?.close()
    app = undefined
  })

  it('deletes through the central with the token from the header, and answers what was deleted', async () => {
    const { central, calls } = deletingCentral(async (name) => ({ name, sha256: SHA, deletedAt: '2030-01-02T03:04:05.000Z' }))
    app = await buildTestApp({ central })
    const response = await app.inject({ method: 'DELETE', url: `/files/${encodeURIComponent('a #1 ?%.txt')}`, headers: { [DELETE_TOKEN_HEADER]: TOKEN, 'x-request-id': 'req-delete-1' } })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ name: 'a #1 ?%.txt', sha256: SHA, deletedAt: '2030-01-02T03:04:05.000Z' })
    expect(calls).toEqual([{ name: 'a #1 ?%.txt', token: TOKEN, requestId: 'req-delete-1' }])
  })

  it('shows the page a fresh list after a delete, not the one it read a moment before', async () => {
    let listed: FileView[] = [file('gone.txt', 5, ['peer-a'])]
    let listCalls = 0
    const { central } = deletingCentral(async (name) => {
      listed = []
      return { name, sha256: SHA, deletedAt: '2030-01-02T03:04:05.000Z' }
    })
    app = await buildTestApp({ central: { ...central, listFiles: async () => { listCalls++; return listed } } })
    const list = async (): Promise<string[]> =>
      (await app!.inject({ method: 'GET', url: '/list_files/', headers: { accept: 'application/json' } })).json<{ files: Array<{ name: string }> }>().files.map((file) => file.name)
    expect(await list()).toEqual(['gone.txt'])
    expect((await app.inject({ method: 'DELETE', url: '/files/gone.txt', headers: { [DELETE_TOKEN_HEADER]: TOKEN } })).statusCode).toBe(200)
    expect(await list()).toEqual([])
    expect(listCalls).toBeGreaterThanOrEqual(2)
  })

  it.each([
    { what: 'no token', headers: {} },
    { what: 'an empty token', headers: { [DELETE_TOKEN_HEADER]: '' } }
  ])('is 403 PCLIENT_DELETE_FORBIDDEN with $what, without asking the central', async ({ headers }) => {
    const { central, calls } = deletingCentral(refusal(500, 'NEVER'))
    app = await buildTestApp({ central })
    const response = await app.inject({ method: 'DELETE', url: '/files/a.txt', headers })
    expect(response.statusCode).toBe(403)
    expect(response.json()).toMatchObject({ error: 'PCLIENT_DELETE_FORBIDDEN', message: expect.stringContaining(DELETE_TOKEN_HEADER) })
    expect(calls).toEqual([])
  })

  it('is 403 PCLIENT_CROSS_SITE for a browser request from another site, without asking the central', async () => {
    const { central, calls } = deletingCentral(refusal(500, 'NEVER'))
    app = await buildTestApp({ central })
    const response = await app.inject({ method: 'DELETE', url: '/files/a.txt', headers: { [DELETE_TOKEN_HEADER]: TOKEN, 'sec-fetch-site': 'cross-site' } })
    expect(response.statusCode).toBe(403)
    expect(response.json()).toMatchObject({ error: 'PCLIENT_CROSS_SITE' })
    expect(calls).toEqual([])
  })

  it('is 400 for a name no file can have, and for a token longer than any token', async () => {
    const { central, calls } = deletingCentral(refusal(500, 'NEVER'))
    app = await buildTestApp({ central })
    expect((await app.inject({ method: 'DELETE', url: `/files/${encodeURIComponent('a\u0001b')}`, headers: { [DELETE_TOKEN_HEADER]: TOKEN } })).statusCode).toBe(400)
    expect((await app.inject({ method: 'DELETE', url: '/files/a.txt', headers: { [DELETE_TOKEN_HEADER]: 'x'.repeat(201) } })).statusCode).toBe(400)
    expect(calls).toEqual([])
  })

  it.each([
    { central: [403, 'CENTRAL_DELETE_FORBIDDEN'], answer: [403, 'PCLIENT_DELETE_FORBIDDEN'] },
    { central: [404, 'CENTRAL_FILE_NOT_FOUND'], answer: [404, 'PCLIENT_FILE_NOT_FOUND'] },
    { central: [410, 'CENTRAL_FILE_DELETED'], answer: [410, 'PCLIENT_FILE_DELETED'] }
  ] as const)('answers the central\'s $central.1 as $answer.0 $answer.1', async ({ central: [statusCode, code], answer: [expectedStatus, expectedCode] }) => {
    const { central } = deletingCentral(refusal(statusCode, code))
    app = await buildTestApp({ central })
    const response = await app.inject({ method: 'DELETE', url: '/files/a.txt', headers: { [DELETE_TOKEN_HEADER]: TOKEN } })
    expect(response.statusCode).toBe(expectedStatus)
    expect(response.json()).toMatchObject({ error: expectedCode })
  })

  it('answers 502 PCLIENT_CENTRAL_UNREACHABLE when the central is down', async () => {
    app = await buildTestApp()
    const response = await app.inject({ method: 'DELETE', url: '/files/a.txt', headers: { [DELETE_TOKEN_HEADER]: TOKEN } })
    expect(response.statusCode).toBe(502)
    expect(response.json()).toMatchObject({ error: 'PCLIENT_CENTRAL_UNREACHABLE' })
  })
})
