// The request id that follows one transfer through every service: chosen by the proxy a request first
// meets (or taken from a load balancer it trusts), carried as the `x-request-id` HTTP header to pclient
// and the central and as gRPC metadata under the same key to the pservers, and logged by each as `reqId`.
// An id from outside reaches log lines and headers only if it has this shape, so no caller can slip
// control characters, JSON or megabytes into a log through it; anything else is replaced by a new id.
import { randomUUID } from 'node:crypto'

/** The HTTP header (and gRPC metadata key) a request id travels in. */
export const REQUEST_ID_HEADER = 'x-request-id'

/** The field every service logs a request id under (Fastify's own name for it). */
export const REQUEST_ID_LOG_FIELD = 'reqId'

export const MAX_REQUEST_ID_LENGTH = 128

/** Letters, digits and . _ : - only: what UUIDs, load balancers' ids (AWS, GCP, nginx) and ours are made of. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]+$/

export function isValidRequestId (value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_REQUEST_ID_LENGTH && REQUEST_ID_PATTERN.test(value)
}

/** A new request id (a random UUID). */
export function newRequestId (): string {
  return randomUUID()
}

/**
 * The id a header (or metadata entry) carries, when it carries exactly one valid id; null otherwise
 * (missing, repeated, too long, or with characters outside the allowed set).
 */
export function requestIdFrom (value: unknown): string | null {
  const single = Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value
  return isValidRequestId(single) ? single : null
}

/**
 * Fastify's genReqId: the caller's id when it sent a valid one, else a new one. pclient and the central
 * sit behind a proxy that already chose (or checked) the id, so a valid one is kept as it is.
 */
export function requestIdOfRequest (request: { headers: Record<string, string | string[] | undefined> }): string {
  return requestIdFrom(request.headers[REQUEST_ID_HEADER]) ?? newRequestId()
}
