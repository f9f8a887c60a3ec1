// Reads a whole HTTP response (or request body), optionally pausing after each chunk (a slow reader
// whose sender's socket backs up), and says when half of the expected bytes arrived: for tests of what
// a sender frees while it sends.
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'

export interface ReadSlowlyOptions {
  /** The bytes the response should carry: `halfway` is called once half of them arrived. */
  expectedBytes: number
  /** Pause after each chunk read, in ms (default 0). */
  delayMs?: number
  halfway?: () => void
}

/** GETs `/` from `server` (listening on loopback, or started here on a free port) and returns the body. */
export async function readSlowly (server: http.Server, options: ReadSlowlyOptions): Promise<Buffer> {
  if (!server.listening) {
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
  }
  const { port } = server.address() as AddressInfo
  const response = await new Promise<http.IncomingMessage>((resolve) => { http.get({ port, host: '127.0.0.1' }, resolve) })
  return await readBodySlowly(response, options)
}

/** Reads all of `body` (a response, a request on a server), pausing as `options` say; returns it. */
export async function readBodySlowly (body: Readable, options: ReadSlowlyOptions): Promise<Buffer> {
  const half = options.expectedBytes / 2
  const received: Buffer[] = []
  let bytes = 0
  for await (const chunk of body) {
    const data = chunk as Buffer
    if (bytes < half && bytes + data.length >= half) options.halfway?.()
    bytes += data.length
    received.push(data)
    if ((options.delayMs ?? 0) > 0) await sleep(options.delayMs)
  }
  return Buffer.concat(received)
}
