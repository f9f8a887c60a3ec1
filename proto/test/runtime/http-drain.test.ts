// Draining an HTTP server over real loopback connections: a request in flight finishes, new connections
// are refused, a kept-alive connection whose request ends during the drain is closed at once (not after
// its keep-alive timeout), and when the grace runs out what is still open is cut.
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { drainHttpServer } from '../../src/runtime/http-drain.js'

/** A server whose /slow answer starts at once and ends only when the test says. */
async function startSlowServer (): Promise<{ server: http.Server, url: string, finishSlow: () => void }> {
  const waiting: http.ServerResponse[] = []
  const server = http.createServer((req, res) => {
    if (req.url === '/slow') {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('first part;')
      waiting.push(res)
      return
    }
    res.end('quick')
  })
  // Far longer than any test: only the drain may close kept-alive connections.
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { server, url, finishSlow: () => { for (const res of waiting.splice(0)) res.end('last part') } }
}

/** GET `url` on `agent`; resolves with the response once its headers arrived, and its whole body later. */
async function get (url: string, agent: http.Agent): Promise<{ body: Promise<string> }> {
  return await new Promise((resolve, reject) => {
    http.get(url, { agent }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { text += chunk })
      resolve({ body: new Promise((resolveBody, rejectBody) => { res.on('end', () => { resolveBody(text) }); res.on('error', rejectBody) }) })
    }).on('error', reject)
  })
}

const agents: http.Agent[] = []
const keepAlive = (): http.Agent => { const agent = new http.Agent({ keepAlive: true }); agents.push(agent); return agent }
afterEach(() => { for (const agent of agents.splice(0)) agent.destroy() })

describe('drainHttpServer', () => {
  it('lets a request in flight finish, refuses new connections, and closes a kept-alive connection once its request ends', async () => {
    const { server, url, finishSlow } = await startSlowServer()
    const idleAgent = keepAlive()
    await (await get(`${url}/quick`, idleAgent)).body
    const slow = await get(`${url}/slow`, keepAlive())

    const drained = drainHttpServer(server, 60_000)
    await expect(get(`${url}/quick`, new http.Agent())).rejects.toThrow(/ECONNREFUSED/)
    finishSlow()
    expect(await slow.body).toBe('first part;last part')
    expect(await drained).toBe('drained')
  })

  it('cuts what is still open when the grace is over', async () => {
    const { server, url } = await startSlowServer()
    const slow = await get(`${url}/slow`, keepAlive())
    expect(await drainHttpServer(server, 100)).toBe('grace-over')
    await expect(slow.body).rejects.toThrow()
  })
})
