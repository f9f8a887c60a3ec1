import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { httpUrlOf, serve, serveHttpApp } from '../../src/runtime/serve.js'

let server: Server | null = null
afterEach(async () => { await close() })

async function listen (host: string): Promise<Server> {
  const started = createServer()
  await new Promise<void>((resolve, reject) => {
    started.once('error', reject)
    started.listen(0, host, resolve)
  })
  return started
}

async function close (): Promise<void> {
  const running = server
  server = null
  if (running != null) await new Promise((resolve) => running.close(resolve))
}

describe('httpUrlOf', () => {
  it('names the bound address and port, an IPv6 host in brackets', async () => {
    server = await listen('127.0.0.1')
    expect(httpUrlOf(server)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    await close()
    // Not every machine has IPv6 loopback.
    server = await listen('::1').catch(() => null)
    if (server != null) expect(httpUrlOf(server)).toMatch(/^http:\/\/\[::1\]:\d+$/)
  })
})

describe('serve', () => {
  it("listens, then logs 'listening' with where", async () => {
    const lines: Array<[object, string]> = []
    const log = { info: (fields: object, message: string) => { lines.push([fields, message]) }, error: () => {} }
    const signals = await serve({
      log,
      listen: async () => {
        server = await listen('127.0.0.1')
        return { url: httpUrlOf(server) }
      },
      close: async () => {}
    })
    signals.uninstall()
    expect(lines).toEqual([[{ url: httpUrlOf(server!) }, 'listening']])
  })
})

describe('serveHttpApp', () => {
  it('binds the app where asked and logs its URL', async () => {
    const lines: Array<[object, string]> = []
    const http = createServer()
    const app = {
      log: { info: (fields: object, message: string) => { lines.push([fields, message]) }, error: () => {} },
      server: http,
      listen: async ({ host, port }: { host: string, port: number }) => { await new Promise<void>((resolve) => http.listen(port, host, resolve)) },
      close: async () => { await new Promise((resolve) => http.close(resolve)) }
    }
    const signals = await serveHttpApp(app, { host: '127.0.0.1', port: 0 })
    signals.uninstall()
    server = http
    expect(lines).toEqual([[{ url: httpUrlOf(http) }, 'listening']])
  })
})
