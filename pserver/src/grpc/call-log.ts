// The logger of one transfer call: the service's logger with the call's request id as `reqId`, the
// field pclient and the central log it under, so one grep follows a transfer across machines. The id
// comes from the caller's metadata when it is well formed (runtime/request-id.ts); a call without one
// gets a new id, so its own lines still belong together.
import type { Metadata } from '@grpc/grpc-js'
import type { Logger } from 'pino'
import { newRequestId, REQUEST_ID_LOG_FIELD, REQUEST_ID_METADATA_KEY, requestIdFrom } from '@p2p/proto'

export interface CallLog {
  requestId: string
  log: Logger
}

export function callLogOf (logger: Pick<Logger, 'child'>, metadata: Metadata): CallLog {
  const requestId = requestIdFrom(metadata.get(REQUEST_ID_METADATA_KEY)) ?? newRequestId()
  return { requestId, log: logger.child({ [REQUEST_ID_LOG_FIELD]: requestId }) }
}
