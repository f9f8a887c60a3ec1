// Draining an HTTP server on shutdown: no new connections, the requests in flight finish (a long
// download included) within a grace period, and whatever is still open after it is cut. Node's
// server.close() stops listening and closes the connections idle at that moment only; a kept-alive
// connection whose request finishes later would stay open until its keep-alive timeout (Fastify's is
// 72 s), so while draining, connections are closed as soon as they go idle.
import type { Server } from 'node:http'

/** How often idle connections are looked for while draining: short, so a finished request's connection goes at once. */
const IDLE_CHECK_MS = 100

/** Closes every connection that has no request in flight, now and every IDLE_CHECK_MS until the returned function is called. */
export function closeConnectionsAsTheyIdle (server: Pick<Server, 'closeIdleConnections'>): () => void {
  server.closeIdleConnections()
  const timer = setInterval(() => { server.closeIdleConnections() }, IDLE_CHECK_MS)
  return () => { clearInterval(timer) }
}

export type DrainOutcome = 'drained' | 'grace-over'

/**
 * Stops accepting connections and resolves once every request in flight has finished: 'drained'; or,
 * when `graceMs` passes first, cuts the connections still open and resolves 'grace-over' once they are.
 */
export async function drainHttpServer (server: Server, graceMs: number): Promise<DrainOutcome> {
  const closed = new Promise<void>((resolve) => { server.close(() => { resolve() }) })
  const stopClosingIdle = closeConnectionsAsTheyIdle(server)
  let timer: NodeJS.Timeout | undefined
  const graceOver = new Promise<DrainOutcome>((resolve) => { timer = setTimeout(() => { resolve('grace-over') }, graceMs) })
  const outcome = await Promise.race([closed.then((): DrainOutcome => 'drained'), graceOver])
  clearTimeout(timer)
  stopClosingIdle()
  if (outcome === 'grace-over') server.closeAllConnections()
  await closed
  return outcome
}
