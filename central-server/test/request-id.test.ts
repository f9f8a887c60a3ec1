// The central takes a request's id from x-request-id when it has the allowed shape (its callers are
// the proxy and members passing on the id of the transfer they serve), else chooses one; it logs every
// line of the request under that id (reqId) and answers with it.
import { describe, expect, it } from 'vitest'
import { buildTestCentral } from './helpers/central-app.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

function centralWithLog (): { central: ReturnType<typeof buildTestCentral>, lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = []
  const central = buildTestCentral({ logger: { level: 'info', stream: { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>) } } } })
  return { central, lines }
}

describe('request ids at the central', () => {
  it("logs and answers a request under the caller's well-formed id", async () => {
    const { central, lines } = centralWithLog()
    const response = await central.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'from-pclient:7' } })
    expect(response.headers['x-request-id']).toBe('from-pclient:7')
    expect(lines.filter((line) => line.reqId === 'from-pclient:7').map((line) => line.msg)).toEqual(['incoming request', 'request completed'])
    await central.app.close()
  })

  it('chooses a new id for a request without one, or with one of another shape, which never reaches the log', async () => {
    const { central, lines } = centralWithLog()
    const ids = []
    for (const headers of [{}, { 'x-request-id': '{"level":60,"msg":"forged"}' }, { 'x-request-id': 'x'.repeat(129) }]) {
      const response = await central.app.inject({ method: 'GET', url: '/health', headers })
      expect(response.headers['x-request-id']).toMatch(UUID)
      ids.push(response.headers['x-request-id'])
    }
    expect(new Set(ids).size).toBe(3)
    expect(lines.some((line) => JSON.stringify(line).includes('forged') || JSON.stringify(line).includes('x'.repeat(129)))).toBe(false)
    await central.app.close()
  })
})
