// Runs the peer's web client: loads config, listens on HOST:PORT, and drains on SIGINT/SIGTERM: no new
// requests, the transfers in flight get DRAIN_GRACE_MS to finish, then those left are aborted (so the
// peer discards partial uploads) and the process exits.
import { loadConfigOrExit, serveHttpApp } from '@p2p/proto'
import { buildClientApp } from './app.js'
import { loadConfig } from './config.js'

const config = loadConfigOrExit(loadConfig)
const app = buildClientApp({ config, logger: { level: config.logLevel, base: { service: 'pclient' } } })
await serveHttpApp(app, config, config.drainGraceMs)
