// Keeps the central informed: registers with the full file list (retrying until the central
// answers), heartbeats at the interval the lease gives, announces each new file, registers again
// whenever the central forgot this peer, and leaves on shutdown. Central outages are logged, never fatal.
// Each heartbeat reports the copies under way and hands the copies the central orders to the replicator.
import { CentralErrorCode, CentralRequestError, MAX_DELETES_PER_LEASE, MAX_UPLOADS_REPORTED } from '@p2p/proto'
import type { CentralClient, HeartbeatBody, RegisterPeerBody, ReplicationOrder } from '@p2p/proto'
import type { Logger } from 'pino'
import { reasonOf } from '../errors.js'
import type { ActiveTransfers } from '../grpc/active-transfers.js'
import type { FileStore, StoredFile } from '../store/file-store.js'
import type { Deleter } from './deleter.js'
import { createSleeper, runHeartbeats } from './heartbeat-loop.js'
import { heartbeatOf, registrationOf } from './peer-state.js'

/**
 * Who makes the copies the central orders (the replicator). Declared here, by the side that hands the
 * orders over, so the announcer never imports the replicator (which announces through the announcer).
 */
export interface CopyOrders {
  /** Starts the orders not already under way; returns at once. */
  accept: (orders: readonly ReplicationOrder[]) => void
  /** Names of the copies under way, for the next heartbeat. */
  inProgress: () => string[]
}

export interface AnnouncerComponents {
  central: Pick<CentralClient, 'register' | 'heartbeat' | 'announceFile' | 'leave'>
  store: Pick<FileStore, 'capacityBytes' | 'list' | 'freeBytes' | 'uploadsInProgress'>
  transfers: Pick<ActiveTransfers, 'count'>
  /** Who makes the copies the central orders; without one, orders are ignored (and never reported). */
  copies?: CopyOrders
  /** Who deletes the files the central orders deleted (deleter.ts); without one, those orders are ignored. */
  deletes?: Deleter
  peerId: string
  logger: Pick<Logger, 'info' | 'warn'>
  /** First delay between registration attempts; doubles up to maxRetryMs. */
  retryMs?: number
  maxRetryMs?: number
  /** How long leave() may take on shutdown. */
  leaveTimeoutMs?: number
}

export type AnnounceOutcome = 'announced' | 'deferred' | 'refused'

export interface Announcer {
  /** Starts registering, then heartbeating. Resolves true once the first registration succeeded, false if stopped before. */
  start: (grpcAddress: string) => Promise<boolean>
  /**
   * Tells the central about a new file. Never throws. 'refused': the central gave the name to another
   * content or upload, or the file was deleted from the network, and this peer must not keep the file under it; 'deferred': the central could
   * not be told now, and the next registration carries it. `requestId`: the transfer that brought it.
   */
  announce: (file: StoredFile, requestId?: string) => Promise<AnnounceOutcome>
  /** Stops heartbeating and leaves the central (best effort, bounded by leaveTimeoutMs). */
  stop: () => Promise<void>
}

export function createAnnouncer (components: AnnouncerComponents): Announcer {
  const { central, store, peerId, logger, copies } = components
  const retryMs = components.retryMs ?? 250
  const maxRetryMs = components.maxRetryMs ?? 5_000
  const leaveTimeoutMs = components.leaveTimeoutMs ?? 1_000
  let grpcAddress: string | null = null
  let registered = false
  let registering = false
  // Set whenever the central may be missing something; the next tick then sends the full state.
  let mustRegister = true
  let stopped = false
  let inFlight: Promise<unknown> = Promise.resolve()
  const sleeper = createSleeper()

  // Every call to the central goes through here, so stop() can wait for the one in flight.
  async function track<T> (promise: Promise<T>): Promise<T> {
    inFlight = promise.catch(() => {})
    return await promise
  }

  async function register (address: string): Promise<number> {
    registering = true
    mustRegister = false // an announce racing this request sets it again
    try {
      const lease = await track(central.register(await registrationOf(components, address)))
      registered = true
      // Files deleted from the network while this peer was away.
      if (!stopped) components.deletes?.accept(lease.delete)
      return lease.heartbeatIntervalMs
    } catch (err) {
      mustRegister = true
      throw err
    } finally {
      registering = false
    }
  }

  /** One heartbeat (or registration); returns the interval to wait before the next one. */
  async function tick (address: string, intervalMs: number): Promise<number> {
    try {
      if (!mustRegister) {
        try {
          const body = await heartbeatOf(components)
          const lease = await track(central.heartbeat(peerId, body))
          components.deletes?.reported(body.deleted ?? [])
          if (!stopped) { copies?.accept(lease.replicate); components.deletes?.accept(lease.delete) }
          return lease.heartbeatIntervalMs
        } catch (err) {
          const unknown = err instanceof CentralRequestError && err.code === CentralErrorCode.PeerUnknown
          if (!unknown || stopped) throw err
          logger.info({ peerId }, 'the central does not know this peer (it may have restarted); registering again')
        }
      }
      const next = await register(address)
      logger.info({ peerId }, 'registered again with the central')
      return next
    } catch (err) {
      logger.warn({ reason: reasonOf(err) }, 'heartbeat to the central failed; retrying at the next one')
      return intervalMs
    }
  }

  return {
    async start (address) {
      if (grpcAddress != null) throw new Error('the announcer is already started')
      grpcAddress = address
      return await new Promise<boolean>((resolve) => {
        runHeartbeats({
          register: async () => await register(address),
          tick: async (intervalMs) => await tick(address, intervalMs),
          onRegistered: () => { resolve(true) },
          isStopped: () => stopped,
          sleep: sleeper.sleep,
          retryMs,
          maxRetryMs,
          logger
        }).then(() => { resolve(false) }, (err: unknown) => {
          logger.warn({ reason: reasonOf(err) }, 'the announcer stopped unexpectedly')
          resolve(false)
        })
      })
    },

    async announce (file, requestId) {
      if (stopped) logger.info({ file: file.name }, 'not announced: this peer is leaving; its next registration lists the file')
      if (grpcAddress == null || stopped) return 'deferred' // not started: the first registration carries every file
      if (registering || !registered) {
        mustRegister = true
        return 'deferred'
      }
      try {
        const freeBytes = await store.freeBytes()
        await track(central.announceFile(peerId, { ...file, freeBytes }, requestId == null ? undefined : { requestId }))
        return 'announced'
      } catch (err) {
        if (err instanceof CentralRequestError && (err.code === CentralErrorCode.FileExists || err.code === CentralErrorCode.FileDeleted)) {
          logger.warn({ file: file.name, reason: err.message }, 'the central refused the name to this content')
          return 'refused'
        }
        mustRegister = true
        logger.warn({ file: file.name, reason: reasonOf(err) }, 'could not announce a file; the next heartbeat registers again')
        return 'deferred'
      }
    },

    async stop () {
      if (stopped) return
      stopped = true
      sleeper.wake()
      if (!registered) return
      try {
        // A heartbeat landing after the leave would make the central call this peer unknown; wait for it first.
        await withTimeout(inFlight.then(async () => { await central.leave(peerId) }), leaveTimeoutMs)
        logger.info({ peerId }, 'left the central')
      } catch (err) {
        logger.warn({ reason: reasonOf(err) }, 'could not leave the central; it will expire this peer')
      }
    }
  }
}

async function withTimeout<T> (promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`no answer within ${ms} ms`)) }, ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
