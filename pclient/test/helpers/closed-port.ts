// A loopback port that nothing listens on: bind port 0, note the port, close it.
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'

export async function closedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve, reject) => { server.close((err) => { if (err != null) reject(err); else resolve() }) })
  return port
}

/** Polls `check` until it is true, at most `attempts` times (a bound, not a timing assertion). */
export async function waitFor (check: () => boolean, attempts = 500): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (check()) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('condition not met in time')
}
