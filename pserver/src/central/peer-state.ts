// What this peer tells the central: its whole state at a registration, and what changed at a heartbeat.
import { MAX_DELETES_PER_LEASE, MAX_UPLOADS_REPORTED } from '@p2p/proto'
import type { HeartbeatBody, RegisterPeerBody } from '@p2p/proto'
import type { ActiveTransfers } from '../grpc/active-transfers.js'
import type { FileStore } from '../store/file-store.js'
import type { Deleter } from './deleter.js'

/** Where this peer's state is read from (the announcer's components). */
export interface PeerStateSources {
  store: Pick<FileStore, 'capacityBytes' | 'list' | 'freeBytes' | 'uploadsInProgress'>
  transfers: Pick<ActiveTransfers, 'count'>
  copies?: { inProgress: () => string[] }
  deletes?: Pick<Deleter, 'done'>
  peerId: string
}

/** Everything this peer holds, for a registration (the central replaces what it knew of this peer). */
export async function registrationOf ({ store, transfers, peerId }: PeerStateSources, grpcAddress: string): Promise<RegisterPeerBody> {
  const [files, freeBytes] = await Promise.all([store.list(), store.freeBytes()])
  return { peerId, grpcAddress, capacityBytes: store.capacityBytes, freeBytes, activeTransfers: transfers.count(), files }
}

/** What changes between heartbeats: free space, transfers and copies under way, uploads whose names are claimed. */
export async function heartbeatOf ({ store, transfers, copies, deletes }: PeerStateSources): Promise<HeartbeatBody> {
  const freeBytes = await store.freeBytes()
  return {
    freeBytes,
    activeTransfers: transfers.count(),
    replicating: copies?.inProgress() ?? [],
    uploading: store.uploadsInProgress().slice(0, MAX_UPLOADS_REPORTED),
    deleted: deletes?.done().slice(0, MAX_DELETES_PER_LEASE) ?? []
  }
}

