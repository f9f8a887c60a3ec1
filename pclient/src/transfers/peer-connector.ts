// How the transfer modules reach a peer: a function from a gRPC address to a client, so a caller can
// pass the default (connectOnDemand) or one of its own. Each transfer closes the client it got.
import type { PeerFilesClient, PeerFilesClientOptions } from '@p2p/proto'
import type { BaseLogger } from 'pino'

/** `options.ticket` is the central's ticket for the transfer; every call through the client carries it. */
export type ConnectPeer = (address: string, options?: PeerFilesClientOptions) => PeerFilesClient | Promise<PeerFilesClient>

/**
 * The default connector: @p2p/proto's createPeerFilesClient, with gRPC's client code (grpc-js,
 * protobuf.js and the loaded .proto) imported at the first transfer rather than at start. A pclient
 * that has moved no file yet is about 2 MiB lighter without them (docs/performance.md, "One file per
 * service, and jemalloc"); the compiled bundle keeps them in a chunk of their own.
 */
export const connectOnDemand: ConnectPeer = async (address, options) => {
  const { createPeerFilesClient } = await import('@p2p/proto/grpc')
  return createPeerFilesClient(address, options)
}

/** What the transfer modules log: a failover, a refusal, a choice of holders (debug), never the bytes. */
export type TransferLog = Pick<BaseLogger, 'info' | 'warn' | 'debug'>

/** `connect`, its clients sending `requestId` in the metadata of every call, so the peer logs the transfer with it. */
export function connectWithRequestId (connect: ConnectPeer, requestId: string): ConnectPeer {
  return (address, options = {}) => connect(address, { ...options, requestId })
}
