// Builds a peer: the gRPC PeerFiles service over a started FileStore, the announcer that keeps the
// central informed and the replicator that makes the copies the central orders. Never binds;
// server.ts (or a test) binds it with bindServer(). It stops in one of two ways: close() cuts what runs
// (tests, and the end of a drain), drain() first lets the running transfers finish (SIGTERM).
import * as grpc from '@grpc/grpc-js'
import type { Logger } from 'pino'
import { grpcServerOptions } from '@p2p/proto'
import { createPeerFilesClient, loadFileSharingProto } from '@p2p/proto/grpc'
import type { CentralClient, PeerFilesHandlers, TransferMeter } from '@p2p/proto'
import type { TicketGate } from './auth/ticket-gate.js'
import { createAnnouncer } from './central/announcer.js'
import { createDeleter } from './central/deleter.js'
import type { Announcer, AnnouncerComponents } from './central/announcer.js'
import type { ConnectSource } from './central/copy-source.js'
import { createReplicator } from './central/replicator.js'
import type { Replicator } from './central/replicator.js'
import { formatHostPort } from './config.js'
import { createActiveTransfers } from './grpc/active-transfers.js'
import type { ActiveTransfers } from './grpc/active-transfers.js'
import { createDrainGate, refuseWhileDraining } from './grpc/drain-gate.js'
import { withReusedChunkEncoding } from './grpc/chunk-encoding.js'
import { enlargeServerReceiveWindow } from './grpc/flow-control.js'
import { createSendRate, UNLIMITED_SEND_RATE } from './grpc/send-rate.js'
import { createDownloadHandler } from './handlers/download.js'
import { createGetFileInfoHandler } from './handlers/get-file-info.js'
import { createStatHandler } from './handlers/stat.js'
import { createUploadHandler } from './handlers/upload.js'
import type { FileStore } from './store/file-store.js'

/**
 * Bytes one upload may send ahead of what the pserver has read. Each concurrent upload can hold that
 * much in memory while its disk catches up (8 MiB each before); 2 MiB still covers 20 ms of round
 * trip at 100 MiB/s, and the connection keeps the larger window for its streams together.
 */
const UPLOAD_STREAM_WINDOW_BYTES = 2 * 1024 * 1024

/** How long a shutdown lets cancelled calls send their status before closing connections. */
const SHUTDOWN_GRACE_MS = 1_000

export interface PeerServerComponents {
  /** Already started. */
  store: FileStore
  central: AnnouncerComponents['central']
  peerId: string
  /** Admits only transfers the central signed a ticket for. */
  tickets: TicketGate
  logger: Logger
  uploadIdleTimeoutMs?: number
  announcer?: Pick<AnnouncerComponents, 'retryMs' | 'maxRetryMs' | 'leaveTimeoutMs'>
  /** Caps the bytes per second all downloads from this peer send together; default: no cap. */
  sendBytesPerSecond?: number
  /** How copies reach other peers; default: createPeerFilesClient. */
  connectSource?: ConnectSource
  /** A copy whose source sends nothing for this long moves on to the next source. */
  copyIdleTimeoutMs?: number
  /** Caps the bytes per second all copies ordered by the central take together; default: no cap. */
  copyBytesPerSecond?: number
  /** Counts the transfers and their bytes (metrics.ts); default: not counted. */
  meter?: TransferMeter
}

export interface PeerServer {
  readonly grpcServer: grpc.Server
  readonly announcer: Announcer
  readonly replicator: Replicator
  readonly transfers: Pick<ActiveTransfers, 'count'>
  /** Stops accepting calls, cancels transfers (removing their temporary files), then leaves the central. */
  close: () => Promise<void>
  /**
   * Leaves gracefully: refuses new transfers (UNAVAILABLE, PEER_DRAINING) and copy orders, cancels the
   * copies under way, leaves the central (so new downloads go to other holders at once), lets the
   * running downloads and uploads finish for up to `graceMs`, then closes.
   */
  drain: (graceMs: number) => Promise<void>
}

export function createPeerServer (components: PeerServerComponents): PeerServer {
  const { store, central, peerId, tickets, logger } = components
  const meter = components.meter == null ? {} : { meter: components.meter }
  const transfers = createActiveTransfers()
  const replicator = createReplicator({
    store,
    // The announcer hands this replicator its orders, and the replicator announces its copies through
    // the announcer, created just below; copies only finish after it exists.
    announcer: { announce: async (file) => await announcer.announce(file) },
    transfers,
    connect: components.connectSource ?? createPeerFilesClient,
    peerId,
    logger,
    ...meter,
    ...(components.copyIdleTimeoutMs == null ? {} : { idleTimeoutMs: components.copyIdleTimeoutMs }),
    ...(components.copyBytesPerSecond == null ? {} : { copyRate: createSendRate(components.copyBytesPerSecond) })
  })
  const deletes = createDeleter({ store, abandonCopy: replicator.abandon, logger })
  const announcer = createAnnouncer({ central, store, transfers, copies: replicator, deletes, peerId, logger, ...components.announcer })
  const sendRate = components.sendBytesPerSecond == null ? UNLIMITED_SEND_RATE : createSendRate(components.sendBytesPerSecond)
  const gate = createDrainGate()
  const handlers: PeerFilesHandlers = {
    Download: createDownloadHandler({ store, transfers, tickets, logger, sendRate, ...meter }),
    GetFileInfo: createGetFileInfoHandler({ store, tickets, logger }),
    Upload: createUploadHandler({ store, transfers, announcer, peerId, tickets, logger, idleTimeoutMs: components.uploadIdleTimeoutMs, ...meter }),
    Stat: createStatHandler({ store, transfers, peerId, logger })
  }
  const grpcServer = new grpc.Server(grpcServerOptions)
  // grpc-js honours this option on clients only; the server gets the same window by hand.
  const window = grpcServerOptions['grpc-node.flow_control_window']
  if (typeof window === 'number' && !enlargeServerReceiveWindow(grpcServer, window, UPLOAD_STREAM_WINDOW_BYTES)) {
    logger.warn('cannot enlarge the HTTP/2 receive window of this grpc-js version; uploads will be slower')
  }
  grpcServer.addService(withReusedChunkEncoding(loadFileSharingProto().filesharing.v1.PeerFiles.service), refuseWhileDraining(handlers, gate))

  let closing: Promise<void> | null = null
  async function close (): Promise<void> {
    const drained = new Promise<void>((resolve) => { grpcServer.tryShutdown(() => { resolve() }) })
    // No new copies from a heartbeat answered meanwhile; those under way are cancelled with the
    // transfers, and their temporary files go with them.
    replicator.close()
    transfers.cancelAll()
    let timer: NodeJS.Timeout | undefined
    const graceOver = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => { resolve('timeout') }, SHUTDOWN_GRACE_MS) })
    if (await Promise.race([drained, graceOver]) === 'timeout') grpcServer.forceShutdown()
    clearTimeout(timer)
    await replicator.idle()
    await store.close()
    await announcer.stop()
  }

  async function drain (graceMs: number): Promise<void> {
    const startedAt = Date.now()
    gate.close()
    logger.info({ graceMs, activeTransfers: transfers.count() }, 'draining: refusing new transfers, leaving the central, letting running transfers finish')
    replicator.close()
    await announcer.stop()
    let timer: NodeJS.Timeout | undefined
    const graceOver = new Promise<false>((resolve) => { timer = setTimeout(() => { resolve(false) }, Math.max(0, startedAt + graceMs - Date.now())) })
    const finished = await Promise.race([transfers.whenIdle().then(() => true), graceOver])
    clearTimeout(timer)
    if (finished) logger.info({ waitedMs: Date.now() - startedAt }, 'drained: every transfer finished')
    else logger.warn({ graceMs, activeTransfers: transfers.count() }, 'drain grace over: cancelling the transfers still running')
    await close()
  }

  return {
    grpcServer,
    announcer,
    replicator,
    transfers,
    close: async () => { closing ??= close(); await closing },
    drain: async (graceMs) => { closing ??= drain(graceMs); await closing }
  }
}

/** Binds `server` to host:port (port 0 picks a free one) and resolves with the bound port. */
export async function bindServer (server: grpc.Server, host: string, port: number): Promise<number> {
  return await new Promise((resolve, reject) => {
    server.bindAsync(formatHostPort(host, port), grpc.ServerCredentials.createInsecure(), (err, boundPort) => {
      if (err != null) reject(err)
      else resolve(boundPort)
    })
  })
}
