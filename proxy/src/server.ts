// Starts the proxy: loads config, serves its metrics on their own port, listens, and closes gracefully
// on SIGINT/SIGTERM.
import { setTimeout } from 'node:timers/promises'
import { pino } from 'pino'
import { httpUrlOf, loadConfigOrExit, serve, startMetricsServer } from '@p2p/proto'
import { createProxyServer } from './app.js'
import { loadConfig } from './config.js'
import { createProxyMetrics } from './metrics.js'

const config = loadConfigOrExit(loadConfig)
const logger = pino({ level: config.LOG_LEVEL, base: { service: 'proxy' } })
const metrics = createProxyMetrics()
const server = createProxyServer({
  upstreamUrls: config.upstreamUrls,
  probeIntervalMs: config.UPSTREAM_PROBE_INTERVAL_MS,
  idleTimeoutMs: config.IDLE_TIMEOUT_MS,
  headersTimeoutMs: config.HEADERS_TIMEOUT_MS,
  connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
  answerTimeoutMs: config.UPSTREAM_ANSWER_TIMEOUT_MS,
  logger,
  onUpstreamFailure: metrics.upstreamFailed
})
// Before 'listening', so a launcher that waits for that line finds 'metrics listening' already logged.
const metricsServer = await startMetricsServer({ registry: metrics.registry, host: config.METRICS_HOST, port: config.METRICS_PORT, log: logger })

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
    await metricsServer.close()
  }
})
