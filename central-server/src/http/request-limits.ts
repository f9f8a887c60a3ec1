// Every size and time bound on what a client may send the central, in one place. A request over a bound
// is refused (413 for a body, 431 for headers, 408 or a closed socket for one too slow) and changes nothing.

/** Every request body except a registration: heartbeats, announcements and placements are tiny. */
export const BODY_LIMIT_BYTES = 64 * 1024

/** A registration carries the peer's whole file list: enough for tens of thousands of files. */
export const REGISTRATION_BODY_LIMIT_BYTES = 16 * 1024 * 1024

/** A 255-byte file name, percent-encoded, is up to 765 characters in a URL (Fastify's default is 100). */
export const MAX_PARAM_LENGTH = 1024

/**
 * All request headers together (Node's own default, set explicitly so it is a decision, not an
 * accident): signatures and ids need a few hundred bytes.
 */
export const MAX_HEADER_BYTES = 16 * 1024

/** A client that has not sent its whole header block by then is cut off (slow-header attacks). */
export const HEADERS_TIMEOUT_MS = 10_000

/**
 * A whole request, body included, must arrive by then: 16 MiB at a slow 300 KiB/s. Fastify's default is
 * no limit at all.
 */
export const REQUEST_TIMEOUT_MS = 60_000
