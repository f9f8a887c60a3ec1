// Runs the central directory: loads config, opens its store (memory, or Redis shared with other
// replicas), listens on HOST:PORT, sweeps expired peers while it runs, and shuts down gracefully on
// SIGINT/SIGTERM, closing the store last.
import { loadConfigOrExit, serveHttpApp } from '@p2p/proto'
import { buildCentralApp } from './app.js'
import { loadConfig } from './config.js'
import { startExpirySweeper } from './directory/expiry.js'
import type { ExpirySweeper } from './directory/expiry.js'
import { StoreUnavailableError } from './errors.js'

const config = loadConfigOrExit(loadConfig)
const app = buildCentralApp({
  config,
  clusterSecret: config.clusterSecret,
  logger: { level: config.logLevel, base: { service: 'central-server', replica: config.replicaId } }
})
let sweeper: ExpirySweeper | null = null
app.addHook('onClose', async () => { sweeper?.stop() })

await serveHttpApp(app, config)
// The store logs an outage once when it begins and once when it ends: a sweep that meets it sweeps
// nothing, instead of logging an error at every interval.
const sweep = async (): Promise<number> => await app.directory.sweep().catch((err: unknown) => {
  if (err instanceof StoreUnavailableError) return 0
  throw err
})
sweeper = startExpirySweeper({ directory: { sweep }, intervalMs: config.heartbeatIntervalMs, log: app.log })
