// How a cluster member proves itself to the central: an HMAC over the request (method, path, time,
// body hash) keyed by the cluster secret, sent in three headers. A captured request cannot be
// replayed after the time window, nor changed within it.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNER_HEADER = 'x-p2p-signer'
export const TIMESTAMP_HEADER = 'x-p2p-timestamp'
export const SIGNATURE_HEADER = 'x-p2p-signature'

/** How far a request's timestamp may be from the verifier's clock. */
export const MAX_CLOCK_SKEW_MS = 60_000

export interface SignedRequestParts {
  /** Who signs: a peer id, or a client label such as `pclient:peer-1`. */
  signer: string
  method: string
  /** Path and query exactly as sent, e.g. /peers/peer-1/heartbeat */
  path: string
  /** The raw body bytes, or empty for none. */
  body: string | Uint8Array
}

function signature (key: Uint8Array, parts: SignedRequestParts, timestamp: string): string {
  const bodyHash = createHash('sha256').update(parts.body).digest('hex')
  return createHmac('sha256', key)
    .update([parts.signer, parts.method.toUpperCase(), parts.path, timestamp, bodyHash].join('\n'))
    .digest('base64url')
}

export function signRequest (key: Uint8Array, parts: SignedRequestParts, now = Date.now()): Record<string, string> {
  const timestamp = String(now)
  return { [SIGNER_HEADER]: parts.signer, [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature(key, parts, timestamp) }
}

export type SignatureCheck = { ok: true, signer: string } | { ok: false, reason: string }

export function verifyRequestSignature (
  key: Uint8Array,
  headers: Record<string, string | string[] | undefined>,
  request: Omit<SignedRequestParts, 'signer'>,
  now = Date.now()
): SignatureCheck {
  const signer = headers[SIGNER_HEADER]
  const timestamp = headers[TIMESTAMP_HEADER]
  const given = headers[SIGNATURE_HEADER]
  if (typeof signer !== 'string' || typeof timestamp !== 'string' || typeof given !== 'string') {
    return { ok: false, reason: 'the request is not signed by a cluster member' }
  }
  const sentAt = Number(timestamp)
  if (!Number.isSafeInteger(sentAt) || Math.abs(now - sentAt) > MAX_CLOCK_SKEW_MS) {
    return { ok: false, reason: 'the request signature is too old or from the future (check the clocks)' }
  }
  const expected = Buffer.from(signature(key, { ...request, signer }, timestamp))
  const actual = Buffer.from(given)
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    return { ok: false, reason: 'the request signature is not valid for this cluster' }
  }
  return { ok: true, signer }
}
