// Runs the peer's web client: loads config, listens on HOST:PORT, and shuts down gracefully on
// SIGINT/SIGTERM (running transfers are aborted so the peer discards partial uploads).
import type { AddressInfo } from 'node:net'
import closeWithGrace from 'close-with-grace'
import { buildClientApp } from './app.js'
import { loadConfig } from './config.js'
import type { ClientConfig } from './config.js'

async function main (): Promise<void> {
  let config: ClientConfig
  try {
    config = loadConfig()
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`)
    process.exit(1)
  }

  const app = buildClientApp({ config, logger: { level: config.logLevel, base: { service: 'pclient' } } })

  closeWithGrace({ delay: 3000 }, async ({ err, signal }) => {
    if (err != null) app.log.error({ err }, 'closing after an error')
    else app.log.info({ signal }, 'closing')
    await app.close()
  })

  await app.listen({ host: config.host, port: config.port })
  const address = app.server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  app.log.info({ url: `http://${host}:${address.port}` }, 'listening')
}

await main()
