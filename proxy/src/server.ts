// Starts the proxy: loads config, listens, and closes gracefully on SIGINT/SIGTERM.
import type { AddressInfo } from 'node:net'
import { setTimeout } from 'node:timers/promises'
import closeWithGrace from 'close-with-grace'
import { pino } from 'pino'
import { createProxyServer } from './app.js'
import { loadConfig } from './config.js'
import type { ProxyConfig } from './config.js'

async function main (): Promise<void> {
  let config: ProxyConfig
  try {
    config = loadConfig()
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`)
    process.exit(1)
  }
  const logger = pino({ level: config.LOG_LEVEL, base: { service: 'proxy' } })
  const server = createProxyServer({
    upstreamUrl: config.UPSTREAM_URL,
    idleTimeoutMs: config.IDLE_TIMEOUT_MS,
    headersTimeoutMs: config.HEADERS_TIMEOUT_MS,
    connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
    answerTimeoutMs: config.UPSTREAM_ANSWER_TIMEOUT_MS,
    logger
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.PORT, config.HOST, resolve)
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  logger.info({ url: `http://${host}:${address.port}`, upstream: config.UPSTREAM_URL }, 'listening')

  closeWithGrace({ delay: 3000 }, async ({ err, signal }) => {
    if (err != null) logger.error({ err }, 'closing after an error')
    else logger.info({ signal }, 'closing')
    // Let short requests finish; cut long transfers after a grace period so shutdown stays quick.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    await Promise.race([closed, setTimeout(2000)])
    server.closeAllConnections()
    await closed
  })
}

await main()
