// Starts the proxy: loads config, serves its metrics on their own port, listens, and drains on
// SIGINT/SIGTERM: no new connections, the requests in flight get DRAIN_GRACE_MS to finish, then what
// is left is cut and the process exits.
import { pino } from 'pino'
import { drainHttpServer, httpUrlOf, loadConfigOrExit, serve, startMetricsServer } from '@p2p/proto/runtime'
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
  onUpstreamFailure: metrics.upstreamFailed,
  trustRequestId: config.TRUST_REQUEST_ID === 'true'
})
// Before 'listening', so a launcher that waits for that line finds 'metrics listening' already logged.
const metricsServer = await startMetricsServer({ registry: metrics.registry, host: config.METRICS_HOST, port: config.METRICS_PORT, log: logger })

await serve({
  log: logger,
  incrementalMarking: false,
  listen: async () => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(config.PORT, config.HOST, resolve)
    })
    return { url: httpUrlOf(server), upstreams: config.upstreamUrls }
  },
  close: async () => {
    logger.info({ graceMs: config.DRAIN_GRACE_MS }, 'draining: finishing the requests in flight')
    if (await drainHttpServer(server, config.DRAIN_GRACE_MS) === 'grace-over') logger.warn({ graceMs: config.DRAIN_GRACE_MS }, 'drain grace over: cut the requests still in flight')
    else logger.info({}, 'drained: every request finished')
    await metricsServer.close()
  },
  drainGraceMs: config.DRAIN_GRACE_MS
})
