// Runs the central directory: loads config, opens its store (memory, or Redis shared with other
// replicas), listens on HOST:PORT, sweeps expired peers while it runs, and shuts down gracefully on
// SIGINT/SIGTERM, closing the store last.
import { loadConfigOrExit, serveHttpApp } from '@p2p/proto'
import { buildCentralApp } from './app.js'
import { loadConfig } from './config.js'
import { startExpirySweeper } from './directory/expiry.js'
import type { ExpirySweeper } from './directory/expiry.js'

const config = loadConfigOrExit(loadConfig)
const app = buildCentralApp({
  config,
  clusterSecret: config.clusterSecret,
  logger: { level: config.logLevel, base: { service: 'central-server', replica: config.replicaId } }
})
let sweeper: ExpirySweeper | null = null
app.addHook('onClose', async () => { sweeper?.stop() })

await serveHttpApp(app, config)
sweeper = startExpirySweeper({ directory: app.directory, intervalMs: config.heartbeatIntervalMs, log: app.log })
