// The pserver's door: a transfer is served only with a ticket the central signed for this peer, this
// file and (for uploads) at least this size. Everything else is refused before a byte moves.
import type { Metadata } from '@grpc/grpc-js'
import { TICKET_METADATA_KEY, TicketError, verifyTicket } from '@p2p/proto'
import type { VerifiedTicket } from '@p2p/proto'
import { PeerError } from '../errors.js'

export interface TicketGate {
  /** The call's ticket, verified as signed for this peer and this kind of transfer; throws PEER_UNAUTHENTICATED or PEER_FORBIDDEN. */
  verify: (metadata: Metadata, kind: 'upload' | 'download') => Promise<VerifiedTicket>
  /** Throws PEER_FORBIDDEN unless the upload ticket covers this name and size. */
  assertUploadOf: (ticket: VerifiedTicket, header: { name: string, size: number, sha256: string | null }) => void
  /** Throws PEER_FORBIDDEN unless the download ticket is for this content. */
  assertDownloadOf: (ticket: VerifiedTicket, file: { name: string, sha256: string }) => void
}

export interface TicketGateComponents {
  peerId: string
  /** deriveClusterKeys(secret).transferTickets */
  ticketKey: Uint8Array
  now?: () => number
}

export function createTicketGate (components: TicketGateComponents): TicketGate {
  const { peerId, ticketKey } = components
  const now = components.now ?? Date.now

  return {
    async verify (metadata, kind) {
      const [token] = metadata.get(TICKET_METADATA_KEY)
      if (typeof token !== 'string' || token === '') {
        throw new PeerError('PEER_UNAUTHENTICATED', `a ${kind} needs a ticket from the central`)
      }
      try {
        return await verifyTicket(ticketKey, token, { peerId, kind }, now())
      } catch (err) {
        if (!(err instanceof TicketError)) throw err
        // A ticket that is not the cluster's (or no longer valid) is unauthenticated; a genuine one
        // used at the wrong peer or for the wrong kind of transfer is forbidden.
        const code = err.reason === 'invalid' || err.reason === 'expired' ? 'PEER_UNAUTHENTICATED' : 'PEER_FORBIDDEN'
        throw new PeerError(code, err.message)
      }
    },
    assertUploadOf (ticket, header) {
      if (ticket.name !== header.name) throw new PeerError('PEER_FORBIDDEN', `the ticket is for '${ticket.name}', not '${header.name}'`)
      if (header.size > ticket.size) throw new PeerError('PEER_FORBIDDEN', `the ticket allows at most ${ticket.size} bytes, not ${header.size}`)
      if (ticket.sha256 != null && header.sha256 != null && ticket.sha256 !== header.sha256) {
        throw new PeerError('PEER_FORBIDDEN', 'the ticket is for other content')
      }
    },
    assertDownloadOf (ticket, file) {
      // Download tickets name the content; the same bytes under another name are the same file.
      if (ticket.sha256 !== file.sha256) throw new PeerError('PEER_FORBIDDEN', `the ticket is for other content than '${file.name}'`)
    }
  }
}
