// Runs the peer's web client: loads config, listens on HOST:PORT, and shuts down gracefully on
// SIGINT/SIGTERM (running transfers are aborted so the peer discards partial uploads).
import { loadConfigOrExit, serveHttpApp } from '@p2p/proto'
import { buildClientApp } from './app.js'
import { loadConfig } from './config.js'

const config = loadConfigOrExit(loadConfig)
const app = buildClientApp({ config, logger: { level: config.logLevel, base: { service: 'pclient' } } })
await serveHttpApp(app, config)
