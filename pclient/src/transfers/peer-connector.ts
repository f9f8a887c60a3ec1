// How the transfer modules reach a peer: a function from a gRPC address to a client, so a caller can
// pass the default (createPeerFilesClient) or one of its own. Each transfer closes the client it got.
import type { PeerFilesClient, PeerFilesClientOptions } from '@p2p/proto'
import type { BaseLogger } from 'pino'

/** `options.ticket` is the central's ticket for the transfer; every call through the client carries it. */
export type ConnectPeer = (address: string, options?: PeerFilesClientOptions) => PeerFilesClient

/** What the transfer modules log: a failover, a refusal, a choice of holders (debug), never the bytes. */
export type TransferLog = Pick<BaseLogger, 'info' | 'warn' | 'debug'>

/** `connect`, its clients sending `requestId` in the metadata of every call, so the peer logs the transfer with it. */
export function connectWithRequestId (connect: ConnectPeer, requestId: string): ConnectPeer {
  return (address, options = {}) => connect(address, { ...options, requestId })
}
