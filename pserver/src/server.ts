// Runs a pserver: loads config, prepares storage, serves its metrics, listens for gRPC, registers with
// the central, and on SIGINT/SIGTERM drains: takes no new transfer, leaves the central, lets the
// running transfers finish for DRAIN_GRACE_MS, then exits. After an uncaught error it closes at once.
import { createCentralClient, deriveClusterKeys, loadConfigOrExit, serve, startMetricsServer } from '@p2p/proto'
import { createTicketGate } from './auth/ticket-gate.js'
import { bindServer, createPeerServer } from './app.js'
import { advertiseAddressFor, formatHostPort, loadConfig } from './config.js'
import type { PeerConfig } from './config.js'
import { createLogger } from './logger.js'
import { loadOrCreatePeerId } from './central/peer-id.js'
import { createPeerMetrics } from './metrics.js'
import { createDiskFileStore } from './store/disk-file-store.js'

/** Closing after the drain grace (cancelled transfers, connections, leaving the central) must fit in this. */
const SHUTDOWN_DELAY_MS = 3_000

async function main (config: PeerConfig): Promise<void> {
  const logger = createLogger(config.logLevel)
  try {
    const peerId = await loadOrCreatePeerId(config.dataDir, config.peerId)
    const store = createDiskFileStore({ dataDir: config.dataDir, capacityBytes: config.capacityBytes, seedDir: config.seedDir, logger })
    await store.start()
    const keys = deriveClusterKeys(config.clusterSecret)
    const central = createCentralClient({ baseUrls: config.centralUrls, timeoutMs: config.centralTimeoutMs, signer: { id: peerId, key: keys.peerRequests } })
    const tickets = createTicketGate({ peerId, ticketKey: keys.transferTickets })
    const metrics = createPeerMetrics(store)
    // Before 'listening', so a launcher that waits for that line finds 'metrics listening' already logged.
    const metricsServer = await startMetricsServer({ registry: metrics.registry, host: config.metricsHost, port: config.metricsPort, log: logger })
    const peer = createPeerServer({
      store,
      central,
      peerId,
      tickets,
      logger,
      meter: metrics.meter,
      ...(config.sendBytesPerSecond == null ? {} : { sendBytesPerSecond: config.sendBytesPerSecond }),
      ...(config.copyBytesPerSecond == null ? {} : { copyBytesPerSecond: config.copyBytesPerSecond })
    })
    let port = config.grpcPort
    await serve({
      log: logger,
      incrementalMarking: false,
      listen: async () => {
        port = await bindServer(peer.grpcServer, config.grpcHost, config.grpcPort)
        return { address: formatHostPort(config.grpcHost, port) }
      },
      close: async ({ err }) => {
        await (err == null ? peer.drain(config.drainGraceMs) : peer.close())
        await metricsServer.close()
      },
      drainGraceMs: config.drainGraceMs,
      shutdownDelayMs: SHUTDOWN_DELAY_MS
    })

    const grpcAddress = advertiseAddressFor(config, port)
    const registered = await peer.announcer.start(grpcAddress)
    if (registered) logger.info({ peerId, grpcAddress, centralUrls: config.centralUrls }, 'registered')
  } catch (err) {
    logger.fatal({ err }, 'pserver failed to start')
    process.exit(1)
  }
}

await main(loadConfigOrExit(loadConfig))
