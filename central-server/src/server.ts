// Runs the central directory: loads config, opens its store (memory, or Redis shared with other
// replicas), serves its metrics on their own port, listens on HOST:PORT, sweeps expired peers while it
// runs, and shuts down gracefully on SIGINT/SIGTERM, closing the store last.
import { loadConfigOrExit, serveHttpApp, startMetricsServer } from '@p2p/proto/directory'
import { buildCentralApp } from './app.js'
import { loadConfig } from './config.js'
import { startExpirySweeper } from './directory/expiry.js'
import type { ExpirySweeper } from './directory/expiry.js'
import { createCentralMetrics } from './metrics.js'

const config = loadConfigOrExit(loadConfig)
const metrics = createCentralMetrics()
const app = buildCentralApp({
  config,
  clusterSecret: config.clusterSecret,
  metrics,
  logger: { level: config.logLevel, base: { service: 'central-server', replica: config.replicaId } }
})
let sweeper: ExpirySweeper | null = null
// Before 'listening', so a launcher that waits for that line finds 'metrics listening' already logged.
const metricsServer = await startMetricsServer({ registry: metrics.registry, host: config.metricsHost, port: config.metricsPort, log: app.log })
app.addHook('onClose', async () => {
  sweeper?.stop()
  await metricsServer.close()
})

await serveHttpApp(app, config)
sweeper = startExpirySweeper({ directory: app.directory, intervalMs: config.heartbeatIntervalMs, log: app.log })
