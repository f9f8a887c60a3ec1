// Signs the short-lived transfer tickets the central hands out: an upload ticket with each placement
// (good only at the chosen peer, for that name and size) and a download ticket with each locate (good at
// every listed holder, for that name, size and hash). Pservers check them with the same cluster key
// (@p2p/proto auth/transfer-tickets), so only a transfer the central arranged reaches their disks.
import { issueTicket } from '@p2p/proto/directory'
import type { FileView, Placement } from '@p2p/proto/directory'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export interface TicketIssuer {
  forUpload: (placement: Pick<Placement, 'name' | 'size' | 'peerId'>) => Promise<string>
  /** Good at each of `holders`: a user's download, or a copy the central ordered. */
  forDownload: (file: Pick<FileView, 'name' | 'size' | 'sha256'> & { holders: ReadonlyArray<{ peerId: string }> }) => Promise<string>
}

declare module 'fastify' {
  interface FastifyInstance {
    tickets: TicketIssuer
  }
}

export interface TicketsPluginOptions {
  /** deriveClusterKeys(secret).transferTickets */
  key: Uint8Array
  ttlMs: number
  now: () => number
}

export function createTicketIssuer ({ key, ttlMs, now }: TicketsPluginOptions): TicketIssuer {
  return {
    forUpload: async ({ name, size, peerId }) => await issueTicket(key, { kind: 'upload', name, size }, [peerId], ttlMs, now()),
    forDownload: async ({ name, size, sha256, holders }) =>
      await issueTicket(key, { kind: 'download', name, size, sha256 }, holders.map((holder) => holder.peerId), ttlMs, now())
  }
}

export const ticketsPlugin = fp(async (app: FastifyInstance, options: TicketsPluginOptions) => {
  app.decorate('tickets', createTicketIssuer(options))
}, { name: 'central-tickets', fastify: '5.x' })
