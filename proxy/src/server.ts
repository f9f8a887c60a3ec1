// Starts the proxy: loads config, listens, and closes gracefully on SIGINT/SIGTERM.
import { setTimeout } from 'node:timers/promises'
import { pino } from 'pino'
import { httpUrlOf, loadConfigOrExit, serve } from '@p2p/proto'
import { createProxyServer } from './app.js'
import { loadConfig } from './config.js'

const config = loadConfigOrExit(loadConfig)
const logger = pino({ level: config.LOG_LEVEL, base: { service: 'proxy' } })
const server = createProxyServer({
  upstreamUrls: config.upstreamUrls,
  probeIntervalMs: config.UPSTREAM_PROBE_INTERVAL_MS,
  idleTimeoutMs: config.IDLE_TIMEOUT_MS,
  headersTimeoutMs: config.HEADERS_TIMEOUT_MS,
  connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
  answerTimeoutMs: config.UPSTREAM_ANSWER_TIMEOUT_MS,
  logger
})

await serve({
  log: logger,
  listen: async () => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(config.PORT, config.HOST, resolve)
    })
    return { url: httpUrlOf(server), upstreams: config.upstreamUrls }
  },
  close: async () => {
    // Let short requests finish; cut long transfers after a grace period so shutdown stays quick.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    await Promise.race([closed, setTimeout(2000)])
    server.closeAllConnections()
    await closed
  }
})
