// The central client's HTTP exchange (node:http): the answer whole, or a rejection when it is cut
// short or the deadline passes; never a truncated answer taken for a whole one.
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { exchangeText } from '../../src/central-client/exchange-text.js'

let server: Server | null = null
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined))
  server = null
})

async function serve (handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler)
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('one exchange with the central', () => {
  it('sends the method, headers and body, and answers the status and the whole text', async () => {
    const url = await serve((request, response) => {
      let body = ''
      request.setEncoding('utf8')
      request.on('data', (chunk: string) => { body += chunk })
      request.on('end', () => {
        response.writeHead(201, { 'content-type': 'application/json' })
        response.end(JSON.stringify({ method: request.method, path: request.url, signer: request.headers['x-signer'], length: request.headers['content-length'], body }))
      })
    })
    const answer = await exchangeText(`${url}/peers?x=1`, { method: 'POST', headers: { 'x-signer': 'peer-1' }, body: '{"name":"é"}', signal: AbortSignal.timeout(5000) })
    expect(answer.status).toBe(201)
    expect(JSON.parse(answer.text)).toEqual({ method: 'POST', path: '/peers?x=1', signer: 'peer-1', length: '13', body: '{"name":"é"}' })
  })

  it('rejects an answer cut off before its end', async () => {
    const url = await serve((request, response) => {
      response.writeHead(200, { 'content-length': '100' })
      response.write('{"partial":')
      setTimeout(() => { request.socket.destroy() }, 20)
    })
    await expect(exchangeText(`${url}/files`, { method: 'GET', headers: {}, signal: AbortSignal.timeout(5000) })).rejects.toThrow()
  })

  it('rejects once the deadline passes while the central says nothing', async () => {
    // It never answers: only the deadline can end the exchange.
    const url = await serve(() => {})
    await expect(exchangeText(`${url}/files`, { method: 'GET', headers: {}, signal: AbortSignal.timeout(200) })).rejects.toThrow()
  })

  it('rejects when nothing listens at the address', async () => {
    const url = await serve(() => {})
    await new Promise((resolve) => server!.close(resolve))
    server = null
    await expect(exchangeText(`${url}/files`, { method: 'GET', headers: {}, signal: AbortSignal.timeout(5000) })).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })
})
