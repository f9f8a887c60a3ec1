// Runs the central directory: loads config, listens on HOST:PORT, sweeps expired peers while it runs,
// and shuts down gracefully on SIGINT/SIGTERM.
import type { AddressInfo } from 'node:net'
import closeWithGrace from 'close-with-grace'
import { buildCentralApp } from './app.js'
import { loadConfig } from './config.js'
import type { CentralConfig } from './config.js'
import { startExpirySweeper } from './directory/expiry.js'
import type { ExpirySweeper } from './directory/expiry.js'

async function main (): Promise<void> {
  let config: CentralConfig
  try {
    config = loadConfig()
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`)
    process.exit(1)
  }

  const app = buildCentralApp({ config, clusterSecret: config.clusterSecret, logger: { level: config.logLevel, base: { service: 'central-server' } } })
  let sweeper: ExpirySweeper | null = null
  app.addHook('onClose', async () => { sweeper?.stop() })

  closeWithGrace({ delay: 3000 }, async ({ err, signal }) => {
    if (err != null) app.log.error({ err }, 'closing after an error')
    else app.log.info({ signal }, 'closing')
    await app.close()
  })

  await app.listen({ host: config.host, port: config.port })
  const address = app.server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  app.log.info({ url: `http://${host}:${address.port}` }, 'listening')
  sweeper = startExpirySweeper({ directory: app.directory, intervalMs: config.heartbeatIntervalMs, log: app.log })
}

await main()
