// Puts what the routes need on the instance: the central's client, the way to reach peers, the limits,
// the record of downloads, and a signal that aborts every running transfer. Closing the app drains it:
// Fastify stops listening, a request still arriving on an open connection is answered 503
// PCLIENT_SHUTTING_DOWN, and the transfers in flight get drainGraceMs to finish; only then are they
// aborted (their peers discard partial uploads).
import { setMaxListeners } from 'node:events'
import { closeConnectionsAsTheyIdle, DEFAULT_DRAIN_GRACE_MS, UNMETERED } from '@p2p/proto'
import type { CentralClient, TransferMeter } from '@p2p/proto'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { ClientConfig } from '../config.js'
import { shareCentralReads } from '../central-reads.js'
import type { SharedCentralReads } from '../central-reads.js'
import { ShuttingDownError } from '../errors.js'
import { meteredTracker } from '../metrics.js'
import type { ClientMetrics } from '../metrics.js'
import { createDownloadTracker } from '../transfers/download-tracker.js'
import type { DownloadTracker } from '../transfers/download-tracker.js'
import type { ConnectPeer } from '../transfers/peer-connector.js'

export type ClientSettings = Pick<ClientConfig, 'maxUploadBytes' | 'peerName'> & Partial<Pick<ClientConfig, 'pieceTimeoutMs' | 'keepDownloads'>> & {
  /** The delete token of a file just shared (from the cluster secret: proto auth/delete-token.ts). */
  deleteTokenFor: (name: string, sha256: string) => string
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The central's client; its list and health reads are shared for a moment (central-reads.ts). */
    central: CentralClient
    /** Forgets the shared reads, so the next page shows a change this peer just made. */
    invalidateCentralReads: () => void
    /** A list read for the page: the central's answer, or its last one when it does not answer in time. */
    centralSnapshot: SharedCentralReads['snapshot']
    connectPeer: ConnectPeer
    settings: ClientSettings
    /** Downloads in progress and recently finished, with their sources. */
    downloads: DownloadTracker
    /** Aborted when the app has closed, or its drain grace is over: running uploads and downloads stop and clean up. */
    transferSignal: AbortSignal
    /** Counts uploads and their bytes (downloads are counted through `downloads`). */
    transferMeter: TransferMeter
  }
}

export interface ServicesPluginOptions {
  central: CentralClient
  connectPeer: ConnectPeer
  settings: ClientSettings
  /** Default: nothing is counted. */
  metrics?: ClientMetrics
  /** How long a closing app lets transfers in flight finish; default DEFAULT_DRAIN_GRACE_MS. */
  drainGraceMs?: number
}

export const servicesPlugin = fp(async (app: FastifyInstance, options: ServicesPluginOptions) => {
  const shutdown = new AbortController()
  // Every running transfer listens to this one signal.
  setMaxListeners(10_000, shutdown.signal)
  const reads = shareCentralReads(options.central)
  app.decorate('central', reads.central)
  app.decorate('invalidateCentralReads', reads.invalidate)
  app.decorate('centralSnapshot', reads.snapshot)
  app.decorate('connectPeer', options.connectPeer)
  app.decorate('settings', options.settings)
  const { metrics } = options
  app.decorate('downloads', metrics == null ? createDownloadTracker() : meteredTracker(createDownloadTracker(), metrics))
  app.decorate('transferMeter', metrics?.meter ?? UNMETERED)
  app.decorate('transferSignal', shutdown.signal)
  const drainGraceMs = options.drainGraceMs ?? DEFAULT_DRAIN_GRACE_MS
  const activeDownloads = (): number => app.downloads.list().filter((download) => download.state === 'active').length
  let graceTimer: NodeJS.Timeout | undefined
  let stopClosingIdle = (): void => {}
  let draining = false
  // Fastify marks these answers Connection: close (app.ts turns its own plain 503 off for this one).
  app.addHook('onRequest', async () => { if (draining) throw new ShuttingDownError() })
  app.addHook('preClose', async () => {
    draining = true
    app.log.info({ graceMs: drainGraceMs, downloads: activeDownloads() }, 'draining: finishing the requests in flight')
    stopClosingIdle = closeConnectionsAsTheyIdle(app.server)
    graceTimer = setTimeout(() => {
      app.log.warn({ graceMs: drainGraceMs, downloads: activeDownloads() }, 'drain grace over: cutting the transfers still running')
      shutdown.abort(new ShuttingDownError())
      app.server.closeAllConnections()
    }, drainGraceMs)
  })
  app.addHook('onClose', async () => {
    clearTimeout(graceTimer)
    stopClosingIdle()
    shutdown.abort(new ShuttingDownError())
  })
}, { name: 'pclient-services', fastify: '5.x' })
