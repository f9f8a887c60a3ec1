// Builds and tears down the proxy tests' servers: each listens on a loopback port the OS picks, and
// closeAll() closes every one after a test.
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { once } from 'node:events'
import { createHash } from 'node:crypto'
import { silentLogger } from '@p2p/test-support'
import { createProxyServer } from '../src/app.js'
import type { ProxyComponents } from '../src/app.js'

const servers: Array<http.Server | net.Server> = []

export async function listen (server: http.Server | net.Server, port = 0): Promise<number> {
  servers.push(server)
  server.listen(port, '127.0.0.1')
  await once(server, 'listening')
  return (server.address() as AddressInfo).port
}

export type ProxyOverrides = Partial<Pick<ProxyComponents, 'headersTimeoutMs' | 'connectTimeoutMs' | 'answerTimeoutMs' | 'probeIntervalMs' | 'logger' | 'onUpstreamFailure' | 'trustRequestId'>>

/** A proxy in front of the upstreams listening on `upstreamPorts` (one or several). */
export async function startProxy (upstreamPorts: number | number[], overrides: ProxyOverrides = {}): Promise<number> {
  const ports = Array.isArray(upstreamPorts) ? upstreamPorts : [upstreamPorts]
  return await listen(createProxyServer({
    upstreamUrls: ports.map((port) => `http://127.0.0.1:${port}`),
    probeIntervalMs: 1_000,
    idleTimeoutMs: 30_000,
    headersTimeoutMs: 20_000,
    connectTimeoutMs: 5_000,
    answerTimeoutMs: 30_000,
    logger: silentLogger,
    ...overrides
  }))
}

export async function closedPort (): Promise<number> {
  const server = net.createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Closes `server` now, cutting its open connections, so its port refuses new ones. */
export async function closeNow (server: http.Server): Promise<void> {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  servers.splice(servers.indexOf(server), 1)
}

export async function closeAll (): Promise<void> {
  for (const server of servers.splice(0)) {
    if (server instanceof http.Server) server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
}

/** What a test upstream does with a request once it has read it. */
export type UpstreamBehaviour = 'answer' | 'reset' | 'cut-answer' | 'unavailable'

export interface TestUpstream {
  name: string
  port: number
  url: string
  /**
   * 'answer': `{name, method, url, bytes, sha256}`; 'reset': drop the connection without a byte;
   * 'cut-answer': start an answer and die; 'unavailable': 503 `{name, error}` to everything, probes too.
   */
  behaviour: UpstreamBehaviour
  /** `METHOD /path` of every request but the proxy's probes. */
  requests: string[]
  probes: number
  server: http.Server
}

/** One of several instances of a service, on `port` (one the OS picks unless given). */
export async function startUpstream (name: string, port = 0): Promise<TestUpstream> {
  const server = http.createServer()
  const upstream: TestUpstream = { name, port, url: '', behaviour: 'answer', requests: [], probes: 0, server }
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.url === '/health') upstream.probes++
    else upstream.requests.push(`${req.method ?? ''} ${req.url ?? ''}`)
    const hash = createHash('sha256')
    let bytes = 0
    req.on('data', (chunk: Buffer) => { bytes += chunk.length; hash.update(chunk) })
    req.on('end', () => {
      if (upstream.behaviour === 'reset') {
        req.socket.destroy()
        return
      }
      if (upstream.behaviour === 'unavailable') {
        res.writeHead(503, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ name, error: 'CENTRAL_STORE_UNAVAILABLE' }))
        return
      }
      const body = JSON.stringify({ name, method: req.method, url: req.url, bytes, sha256: hash.digest('hex') })
      if (upstream.behaviour === 'cut-answer') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length * 2) })
        res.write(body)
        setTimeout(() => res.destroy(), 20)
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(body)
    })
  })
  upstream.port = await listen(server, port)
  upstream.url = `http://127.0.0.1:${upstream.port}`
  return upstream
}
