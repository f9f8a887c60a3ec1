// The directory as the routes see it (app.directory): each method is one operation of the files beside
// this one, bound to one shared context. Which file answers what:
//   membership.ts   peers register, heartbeat, announce, leave; the peer list
//   expiry.ts       when a silent peer expires, and the sweep that removes it
//   catalog.ts      the file list page by page (lost files too), locating a file, health and replication counts,
//                   the counts of the metrics
//   paging.ts       the listings' cursors and the file filter
//   placement.ts    where an upload goes (by free space), and the claim on its name
//   copy-orders.ts  which copies each peer is ordered to make
//   deletion.ts     deleting a file everywhere: tombstones and delete orders
import type { FileView, HealthResponse, PeerView, Placement, PlacementBody, ReplicationReport } from '@p2p/proto/directory'
import type { DirectoryCounts, TombstoneRecord } from '../store/directory-store.js'
import { countDirectory, health, listFiles, locate, replicationReport } from './catalog.js'
import type { DirectoryContext } from './context.js'
import { requestCopy } from './copy-orders.js'
import { deleteFile, forgetTombstones } from './deletion.js'
import type { MayDelete } from './deletion.js'
import { sweepExpiredPeers } from './expiry.js'
import { announce, heartbeat, leave, listPeers, register } from './membership.js'
import type { AnnounceFileInput, HeartbeatAnswer, HeartbeatInput, LeaseTerms, RegisterPeerInput } from './membership.js'
import type { FileListQuery, Page, PageQuery } from './paging.js'
import { place } from './placement.js'

export interface Directory {
  register: (input: RegisterPeerInput) => Promise<LeaseTerms & Pick<HeartbeatAnswer, 'delete'>>
  /** Throws PeerUnknownError when the peer is unknown or expired: it must register again. */
  heartbeat: (peerId: string, input: HeartbeatInput) => Promise<HeartbeatAnswer>
  announce: (peerId: string, input: AnnounceFileInput) => Promise<void>
  /** Idempotent: leaving twice, or after expiry, is not an error. */
  leave: (peerId: string) => Promise<void>
  /** A page of live peers by peer id. Throws ValidationError for a cursor this central did not give. */
  listPeers: (query: PageQuery) => Promise<Page<'peers', PeerView>>
  /** A page of files by name (lost ones too), filtered by `q`. Throws ValidationError for a bad cursor. */
  listFiles: (query: FileListQuery) => Promise<Page<'files', FileView>>
  /** Throws FileLostError for a known file no live peer holds, FileNotFoundError for an unknown one. */
  locate: (name: string) => Promise<FileView>
  place: (input: PlacementBody) => Promise<Omit<Placement, 'ticket'>>
  health: () => Promise<HealthResponse>
  replication: () => Promise<ReplicationReport>
  /** Every count of the directory at once (its metrics), as cheap as /health. */
  counts: () => Promise<DirectoryCounts>
  /**
   * Orders a copy of `name` onto `peerId` (a peer keeping what its user downloaded), delivered with its
   * next heartbeat; 'held' when it has the file already. Throws FileNotFound/FileLost, PeerUnknown, NoRoom.
   */
  requestCopy: (peerId: string, name: string) => Promise<'ordered' | 'held'>
  /** Deletes the file everywhere if `mayDelete` accepts its content. Throws FileNotFound, FileDeleted, DeleteForbidden. */
  deleteFile: (name: string, mayDelete: MayDelete) => Promise<TombstoneRecord>
  /** Removes every expired peer, and forgets the tombstones over; answers how many peers were removed. */
  sweep: () => Promise<number>
}

export function createDirectory (context: DirectoryContext): Directory {
  return {
    register: async (input) => await register(context, input),
    heartbeat: async (peerId, input) => await heartbeat(context, peerId, input),
    announce: async (peerId, input) => { await announce(context, peerId, input) },
    leave: async (peerId) => { await leave(context, peerId) },
    listPeers: async (query) => await listPeers(context, query),
    listFiles: async (query) => await listFiles(context, query),
    locate: async (name) => await locate(context, name),
    place: async (input) => await place(context, input),
    health: async () => await health(context),
    replication: async () => await replicationReport(context),
    counts: async () => await countDirectory(context),
    requestCopy: async (peerId, name) => await requestCopy(context, peerId, name),
    deleteFile: async (name, mayDelete) => await deleteFile(context, name, mayDelete),
    sweep: async () => {
      await forgetTombstones(context)
      return await sweepExpiredPeers(context)
    }
  }
}
