// Real HTTP servers on loopback standing in for centrals: each answers as its script says (an answer, a
// silence that never ends, like a stopped process whose connections the kernel still accepts), and
// records what it was asked. Plus an address nothing listens on (connection refused).
import http from 'node:http'
import { once } from 'node:events'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'

export interface ScriptedRequest { method: string, url: string, headers: http.IncomingHttpHeaders, body: string }
export type ScriptedAnswer = { status: number, body?: unknown } | 'silent'
export type Script = (request: ScriptedRequest) => ScriptedAnswer

export interface ScriptedCentral {
  url: string
  requests: ScriptedRequest[]
  close: () => Promise<void>
}

export async function startScriptedCentral (script: Script): Promise<ScriptedCentral> {
  const requests: ScriptedRequest[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      requests.push(request)
      const answer = script(request)
      if (answer === 'silent') return
      res.writeHead(answer.status, answer.body === undefined ? {} : { 'content-type': 'application/json' })
      res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body))
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  }
}

/** http://127.0.0.1:<a port nothing listens on>: bind port 0, note the port, close it. */
export async function closedAddress (): Promise<string> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return `http://127.0.0.1:${port}`
}

export const unavailable = (status = 503, error = 'CENTRAL_STORE_UNAVAILABLE'): ScriptedAnswer =>
  ({ status, body: { statusCode: status, error, message: 'the directory store cannot be reached' } })
