// The gRPC metadata keys the peers' file service and its callers agree on.
import { REQUEST_ID_HEADER } from '../runtime/request-id.js'

/** The metadata key a transfer ticket from the central travels in, on every call to a peer. */
export const TICKET_METADATA_KEY = 'p2p-ticket'

/**
 * The metadata key a pserver puts its stable error code under (PEER_NO_ROOM, ...): callers branch on
 * it, never on the details text.
 */
export const ERROR_CODE_METADATA_KEY = 'p2p-error-code'

/**
 * The metadata key a pserver fetching a copy the central ordered sends with its Download calls, value
 * 'replication', so the source counts those bytes as replication rather than a user's download. It only
 * labels metrics: a caller that lies about it changes a count, nothing else.
 */
export const TRANSFER_PURPOSE_METADATA_KEY = 'p2p-transfer-purpose'

/**
 * The metadata key a request id travels in to a peer (the same name as the HTTP header, so one grep
 * finds it everywhere): the peer logs the transfer's lines with it. See runtime/request-id.ts.
 */
export const REQUEST_ID_METADATA_KEY = REQUEST_ID_HEADER

/**
 * The metadata key a pserver whose sending is capped (SEND_BYTES_PER_SECOND) answers a Download call with, in its
 * first headers: the cap in bytes per second. A download that streams at about that rate knows the
 * holder, not its own CPU, sets the pace, and takes pieces from other holders too.
 */
export const SEND_RATE_METADATA_KEY = 'p2p-send-rate'
