// Builds and tears down the proxy tests' servers: each listens on a loopback port the OS picks, and
// closeAll() closes every one after a test.
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { once } from 'node:events'
import { pino } from 'pino'
import { createProxyServer } from '../src/app.js'
import type { ProxyComponents } from '../src/app.js'

const servers: Array<http.Server | net.Server> = []

export async function listen (server: http.Server | net.Server): Promise<number> {
  servers.push(server)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return (server.address() as AddressInfo).port
}

export type ProxyOverrides = Partial<Pick<ProxyComponents, 'headersTimeoutMs' | 'connectTimeoutMs' | 'answerTimeoutMs'>>

export async function startProxy (upstreamPort: number, overrides: ProxyOverrides = {}): Promise<number> {
  return await listen(createProxyServer({
    upstreamUrl: `http://127.0.0.1:${upstreamPort}`,
    idleTimeoutMs: 30_000,
    headersTimeoutMs: 20_000,
    connectTimeoutMs: 5_000,
    answerTimeoutMs: 30_000,
    logger: pino({ level: 'silent' }),
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

export async function closeAll (): Promise<void> {
  for (const server of servers.splice(0)) {
    if (server instanceof http.Server) server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
}
