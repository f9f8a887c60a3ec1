// Stat: the peer's identity, capacity, free space and load.
import type { handleUnaryCall } from '@grpc/grpc-js'
import type { Logger } from 'pino'
import type { StatRequest__Output, StatResponse } from '@p2p/proto'
import { toGrpcError } from '../errors.js'
import type { FileStore } from '../store/file-store.js'
import type { ActiveTransfers } from '../grpc/active-transfers.js'

export interface StatComponents {
  store: Pick<FileStore, 'capacityBytes' | 'freeBytes' | 'count'>
  transfers: Pick<ActiveTransfers, 'count'>
  peerId: string
  logger: Pick<Logger, 'error'>
}

export function createStatHandler (components: StatComponents): handleUnaryCall<StatRequest__Output, StatResponse> {
  const { store, transfers, peerId, logger } = components
  return (_call, callback) => {
    Promise.all([store.freeBytes(), store.count()]).then(([freeBytes, fileCount]) => {
      callback(null, { peerId, capacityBytes: store.capacityBytes, freeBytes, fileCount, activeTransfers: transfers.count() })
    }, (err: unknown) => {
      logger.error({ err }, 'stat failed')
      callback(toGrpcError(err))
    })
  }
}
