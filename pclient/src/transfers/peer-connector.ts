// How the transfer modules reach a peer: a function from a gRPC address to a client, so a caller can
// pass the default (createPeerFilesClient) or one of its own. Each transfer closes the client it got.
import type { PeerFilesClient } from '@p2p/proto'
import type { BaseLogger } from 'pino'

export type ConnectPeer = (address: string) => PeerFilesClient

/** What the transfer modules log: a failover or a refusal, never the bytes. */
export type TransferLog = Pick<BaseLogger, 'info' | 'warn'>
