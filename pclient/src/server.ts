// Runs the peer's web client: loads config, serves its metrics on their own port, listens on HOST:PORT,
// and drains on SIGINT/SIGTERM: no new requests, the transfers in flight get DRAIN_GRACE_MS to finish,
// then those left are aborted (so the peer discards partial uploads) and the process exits.
import { loadConfigOrExit, serveHttpApp, startMetricsServer } from '@p2p/proto'
import { buildClientApp } from './app.js'
import { loadConfig } from './config.js'
import { createClientMetrics } from './metrics.js'

const config = loadConfigOrExit(loadConfig)
const metrics = createClientMetrics()
const app = buildClientApp({ config, metrics, logger: { level: config.logLevel, base: { service: 'pclient' } } })
// Before 'listening', so a launcher that waits for that line finds 'metrics listening' already logged.
const metricsServer = await startMetricsServer({ registry: metrics.registry, host: config.metricsHost, port: config.metricsPort, log: app.log })
app.addHook('onClose', async () => { await metricsServer.close() })
await serveHttpApp(app, config, { drainGraceMs: config.drainGraceMs, incrementalMarking: false })
