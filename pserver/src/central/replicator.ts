// Makes the copies the central orders in its heartbeat answers: fetches the file from one of the
// order's sources over gRPC (with the order's download ticket), writes it through the same upload
// session as any upload (so it is hashed, checked against the order's SHA-256 and size, and visible
// only once complete), then announces it. A source that fails, stalls or sends other bytes is left
// for the next one; when none delivers, the order is dropped and the central, no longer seeing it in
// the heartbeats, gives it out again. Content already stored under another name is copied from the
// local disk instead of the network. Each copy has a request id of its own (`copy-<uuid>`), logged
// as reqId here, sent to its source, and to the central with the announce.
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import { REQUEST_ID_LOG_FIELD, UNMETERED } from '@p2p/proto'
import type { ReplicationOrder, TransferMeter } from '@p2p/proto'
import { PeerError, reasonOf } from '../errors.js'
import type { ActiveTransfers } from '../grpc/active-transfers.js'
import { UNLIMITED_SEND_RATE } from '../grpc/send-rate.js'
import type { SendRate } from '../grpc/send-rate.js'
import type { FileStore, StoredFile, UploadSession } from '../store/file-store.js'
import type { Announcer, CopyOrders } from './announcer.js'
import { localSource, peerSource } from './copy-source.js'
import type { ConnectSource, CopySource } from './copy-source.js'

/** A source that sends nothing for this long is given up for the next one. */
export const DEFAULT_COPY_IDLE_TIMEOUT_MS = 30_000

export interface ReplicatorComponents {
  store: Pick<FileStore, 'get' | 'findBySha256' | 'openRead' | 'beginUpload' | 'remove'>
  announcer: Pick<Announcer, 'announce'>
  transfers: Pick<ActiveTransfers, 'begin'>
  connect: ConnectSource
  peerId: string
  logger: Pick<Logger, 'child'>
  idleTimeoutMs?: number
  /** Paces every copy together, so copying never takes all of this peer's bandwidth; default: no cap. */
  copyRate?: SendRate
  /** Counts the copies running and the bytes received from other peers (a copy from this peer's disk moves none). */
  meter?: TransferMeter
}

/** Why a copy was cancelled (shutdown), and how to stop the read under way. */
interface CopyCancel {
  reason: PeerError | null
  stop?: () => void
}

export interface Replicator extends CopyOrders {
  /** Resolves when every copy under way has ended (for tests and shutdown). */
  idle: () => Promise<void>
  /** Cancels the copy of `name` under way, if any (the file was deleted from the network). */
  abandon: (name: string) => void
  /**
   * Refuses orders from now on and cancels the copies under way (this peer is leaving: a copy it made
   * now would not be listed, and the central orders it from another peer once this one is gone).
   */
  close: () => void
}

export function createReplicator (components: ReplicatorComponents): Replicator {
  const { store, announcer, transfers, connect, peerId, logger } = components
  const idleTimeoutMs = components.idleTimeoutMs ?? DEFAULT_COPY_IDLE_TIMEOUT_MS
  const copyRate = components.copyRate ?? UNLIMITED_SEND_RATE
  const meter = components.meter ?? UNMETERED
  const running = new Map<string, Promise<void>>()
  const cancels = new Set<(reason: PeerError) => void>()
  const cancelsByName = new Map<string, (reason: PeerError) => void>()
  let closed = false

  /** Streams `source` into a new upload session for the order and commits it; aborts it on any failure. */
  async function writeCopy (order: ReplicationOrder, source: AsyncIterable<Buffer>, cancel: CopyCancel): Promise<StoredFile> {
    let session: UploadSession | null = null
    try {
      session = await store.beginUpload({ name: order.name, size: order.size, sizeIsMaximum: false, sha256: order.sha256 })
      let size = 0
      for await (const chunk of source) {
        if (cancel.reason != null) throw cancel.reason
        size += chunk.length
        // Waiting here stops reading the call, so the source slows down too (HTTP/2 flow control).
        await copyRate.take(chunk.length)
        await session.write(chunk)
      }
      if (cancel.reason != null) throw cancel.reason
      return await session.commit({ size, sha256: order.sha256 })
    } catch (err) {
      await session?.abort().catch(() => {})
      throw err
    }
  }

  /** Copies from `source` (a peer, or this peer's disk), and lets go of it however the copy ends. */
  async function copyFrom (order: ReplicationOrder, source: CopySource, cancel: CopyCancel): Promise<StoredFile> {
    cancel.stop = source.stop
    try {
      return await writeCopy(order, source.chunks, cancel)
    } finally {
      source.close()
    }
  }

  async function copy (order: ReplicationOrder): Promise<void> {
    const cancel: CopyCancel = { reason: null }
    const metered = meter.begin('replication')
    const cancelCopy = (reason: PeerError): void => { cancel.reason ??= reason; cancel.stop?.() }
    const end = transfers.begin(cancelCopy)
    cancels.add(cancelCopy)
    cancelsByName.set(order.name, cancelCopy)
    const requestId = `copy-${randomUUID()}`
    const log = logger.child({ [REQUEST_ID_LOG_FIELD]: requestId })
    log.info({ file: order.name, size: order.size, sources: order.sources.map((source) => source.peerId) }, 'copy started')
    try {
      const existing = await store.get(order.name)
      if (existing != null) {
        // Already here (an announce that failed earlier, or an order that crossed an upload): say so again.
        if (existing.sha256 === order.sha256) await announcer.announce(existing, requestId)
        else log.warn({ file: order.name }, 'not copying: this peer holds other content under that name')
        return
      }
      const local = await store.findBySha256(order.sha256)
      if (local != null) {
        await finish(await copyFrom(order, await localSource(store, order, local), cancel), 'this peer', log, requestId)
        return
      }
      for (const source of order.sources) {
        if (source.peerId === peerId) continue
        if (cancel.reason != null) return
        try {
          await finish(await copyFrom(order, counted(peerSource(order, source, connect, idleTimeoutMs, requestId), meter), cancel), source.peerId, log, requestId)
          return
        } catch (err) {
          if (cancel.reason != null) return
          log.warn({ file: order.name, source: source.peerId, reason: reasonOf(err) }, 'copy from this source failed; trying the next one')
        }
      }
      log.warn({ file: order.name }, 'no source delivered the copy; the central will order it again')
    } catch (err) {
      if (cancel.reason == null) log.error({ err, file: order.name }, 'copy failed')
    } finally {
      if (cancel.reason != null) log.info({ file: order.name, reason: cancel.reason.message }, 'copy cancelled')
      cancels.delete(cancelCopy)
      if (cancelsByName.get(order.name) === cancelCopy) cancelsByName.delete(order.name)
      end()
      metered()
    }
  }

  async function finish (file: StoredFile, from: string, log: Pick<Logger, 'info'>, requestId: string): Promise<void> {
    log.info({ file: file.name, size: file.size, sha256: file.sha256, from }, 'copy stored')
    if (await announcer.announce(file, requestId) === 'refused') {
      // The name stands for other content now (a new upload of a lost name): this copy is not wanted.
      await store.remove(file.name, file.sha256)
    }
  }

  return {
    accept (orders) {
      if (closed) return
      for (const order of orders) {
        if (running.has(order.name)) continue
        const job = copy(order).finally(() => { running.delete(order.name) })
        running.set(order.name, job)
      }
    },
    inProgress: () => [...running.keys()],
    abandon (name) {
      cancelsByName.get(name)?.(new PeerError('PEER_CANCELLED', `'${name}' was deleted from the network`))
    },
    close () {
      closed = true
      const reason = new PeerError('PEER_CANCELLED', 'this peer is leaving the network')
      for (const cancel of [...cancels]) cancel(reason)
    },
    async idle () {
      await Promise.all(running.values())
    }
  }
}

/** The source's bytes, counted as replication bytes received as they arrive. */
function counted (source: CopySource, meter: TransferMeter): CopySource {
  const chunks = source.chunks
  return {
    ...source,
    chunks: (async function * () {
      for await (const chunk of chunks) {
        meter.moved('replication', 'received', chunk.length)
        yield chunk
      }
    })()
  }
}
