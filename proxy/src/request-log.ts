// Each request's id and its one access-log line. The proxy is where a request enters the network, so
// it chooses the id (a new UUID) that pclient, the central and the pservers log the request's work
// under; an id sent by the client is kept only when this proxy is told to trust it (behind a load
// balancer the operator runs) and only if it has the checked shape (runtime/request-id.ts), so nobody
// outside can put what they like into the logs. The id goes upstream and back to the client in
// x-request-id, and the request's line is logged when its response ends, with how it ended.
import type http from 'node:http'
import type { Logger } from 'pino'
import { newRequestId, REQUEST_ID_HEADER, REQUEST_ID_LOG_FIELD, requestIdFrom } from '@p2p/proto/runtime'

export interface RequestLogOptions {
  /** Keep a valid x-request-id the client sent instead of choosing a new one. */
  trustRequestId: boolean
  logger: Pick<Logger, 'info'>
}

/** Gives the request its id (on the request forwarded upstream and on the response) and logs its end; returns the id. */
export function traceRequest (req: http.IncomingMessage, res: http.ServerResponse, options: RequestLogOptions): string {
  const requestId = (options.trustRequestId ? requestIdFrom(req.headers[REQUEST_ID_HEADER]) : null) ?? newRequestId()
  req.headers[REQUEST_ID_HEADER] = requestId
  res.setHeader(REQUEST_ID_HEADER, requestId)
  const startedAt = performance.now()
  res.once('close', () => {
    options.logger.info({
      [REQUEST_ID_LOG_FIELD]: requestId,
      method: req.method,
      url: req.url,
      statusCode: res.statusCode,
      responseTime: Math.round(performance.now() - startedAt)
    }, res.writableFinished ? 'request completed' : 'request cut off before its response ended')
  })
  return requestId
}
