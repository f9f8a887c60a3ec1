// Running a service process: binding it, saying so in the one 'listening' log line that the launcher
// and the tests wait for, keeping its memory flat while it moves bytes (garbage-pacer.ts), and closing
// it gracefully on SIGTERM/SIGINT (or after an uncaught error).
import type { AddressInfo, Server } from 'node:net'
import closeWithGrace from 'close-with-grace'
import { growOldGenerationToTwiceItsLiveSize, keepYoungGenerationSmall, markOnlyWhenFull } from './buffer-collector.js'
import { startGarbagePacer } from './garbage-pacer.js'

/** The part of a pino or Fastify logger a running service needs. */
export interface ServiceLog {
  info: (fields: object, message: string) => void
  error: (fields: object, message: string) => void
}

export interface ServeOptions {
  log: ServiceLog
  /** Binds the service; resolves with where it listens, for the log line: { url } for HTTP, { address } for gRPC. */
  listen: () => Promise<Record<string, unknown>>
  /**
   * Stops the service (finishing or cutting what runs) within its drain grace plus shutdownDelayMs;
   * told what made it stop: a signal (drain) or an uncaught error (close at once).
   */
  close: (cause: CloseCause) => Promise<void>
  /**
   * How long close() may let work in flight finish (the service's DRAIN_GRACE_MS); default 0. The
   * process exits anyway once this and shutdownDelayMs have passed.
   */
  drainGraceMs?: number
  /** What closing takes besides the drain grace (connections, stores, leaving the central). */
  shutdownDelayMs?: number
  /**
   * V8's incremental marking (default on). The services that move bytes (proxy, pclient, pserver) turn
   * it off: their heaps are small, and V8 marked them incrementally dozens of times per GiB moved for
   * almost no garbage (markOnlyWhenFull() in buffer-collector.ts).
   */
  incrementalMarking?: boolean
}

const DEFAULT_SHUTDOWN_DELAY_MS = 3000

/** Why a service is closing. */
export interface CloseCause {
  signal?: string
  err?: unknown
}

/** What serve() installed: the signal handlers, which a test removes again. */
export interface ServiceSignals {
  /** Removes the handlers serve() installed. */
  uninstall: () => void
}

/** Closes on signals from the start (even while binding), then listens and logs 'listening'. */
export async function serve (options: ServeOptions): Promise<ServiceSignals> {
  const { log } = options
  const signals = closeWithGrace({
    delay: (options.drainGraceMs ?? 0) + (options.shutdownDelayMs ?? DEFAULT_SHUTDOWN_DELAY_MS),
    logger: {
      error: (what: unknown) => {
        if (what instanceof Error) log.error({ err: what }, 'error while closing')
        else log.error({}, String(what))
      }
    }
  }, async ({ err, signal }) => {
    if (err != null) log.error({ err }, 'closing after an error')
    else log.info({ signal }, 'closing')
    await options.close(err != null ? { err } : { signal })
  })
  keepYoungGenerationSmall()
  growOldGenerationToTwiceItsLiveSize()
  if (options.incrementalMarking === false) markOnlyWhenFull()
  const pacer = startGarbagePacer()
  log.info(await options.listen(), 'listening')
  return { uninstall: () => { signals.uninstall(); pacer.stop() } }
}

/** An HTTP app that binds itself, such as a Fastify instance. */
export interface HttpApp {
  log: ServiceLog
  server: Server
  listen: (options: { host: string, port: number }) => Promise<unknown>
  close: () => Promise<unknown>
}

/**
 * serve() for an HTTP app: its 'listening' line gives the URL it answers at. Its close() is given
 * `drainGraceMs` (on top of the usual delay) to let the requests in flight finish.
 */
export async function serveHttpApp (app: HttpApp, address: { host: string, port: number }, options: Pick<ServeOptions, 'drainGraceMs' | 'incrementalMarking'> = {}): Promise<ServiceSignals> {
  return await serve({
    log: app.log,
    ...options,
    listen: async () => {
      await app.listen({ host: address.host, port: address.port })
      return { url: httpUrlOf(app.server) }
    },
    close: async () => { await app.close() }
  })
}

/** http://host:port of a bound server, an IPv6 host in brackets. */
export function httpUrlOf (server: Server): string {
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `http://${host}:${address.port}`
}
