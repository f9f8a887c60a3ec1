// Deleting a file from the network, for good. The central checks who asks (the file's delete token, or
// the operator's, through `mayDelete`), records a tombstone and takes the name out of the catalog in one
// store step, so it leaves every listing and locate at once; every holder is ordered to delete it in the
// answer to its next heartbeat (or registration), and a holder that was away gets the order when it
// registers again with the file. The tombstone refuses that content under that name until it expires.
import { MAX_DELETES_PER_LEASE } from '@p2p/proto/directory'
import { DeleteForbiddenError, FileDeletedError, FileNotFoundError } from '../errors.js'
import type { DeleteOrderRecord, TombstoneRecord } from '../store/directory-store.js'
import type { DirectoryContext } from './context.js'

/** Whether the token presented may delete the file with this content. */
export type MayDelete = (sha256: string) => boolean

/** Throws FileDeletedError while the name's tombstone lasts, FileNotFoundError after (or if never deleted). */
export async function throwUnknownOrDeleted (context: DirectoryContext, name: string): Promise<never> {
  const tombstone = await context.store.getTombstone(name, context.now())
  throw tombstone == null ? new FileNotFoundError(name) : new FileDeletedError(name)
}

/** Deletes `name` everywhere. Throws FileNotFound, FileDeleted, DeleteForbidden (then nothing changes). */
export async function deleteFile (context: DirectoryContext, name: string, mayDelete: MayDelete): Promise<TombstoneRecord> {
  const { store, now, log } = context
  // A bounded number of tries: only a new content announced under the name between the read and the
  // delete makes one fail, and then the token is judged again against the new content.
  for (let attempt = 0; attempt < 3; attempt++) {
    const file = await store.getFile(name, { seenAfter: Number.POSITIVE_INFINITY })
    if (file == null) return await throwUnknownOrDeleted(context, name)
    if (!mayDelete(file.sha256)) throw new DeleteForbiddenError(name)
    const deletedAt = now()
    const tombstone = { name, sha256: file.sha256, deletedAt, expiresAt: deletedAt + context.tombstoneTtlMs }
    const outcome = await store.deleteFile(tombstone)
    if (outcome === 'deleted') {
      log.info({ file: name, sha256: file.sha256 }, 'file deleted from the network')
      context.onDeleted?.()
      return tombstone
    }
    if (outcome === 'unknown') return await throwUnknownOrDeleted(context, name)
  }
  throw new DeleteForbiddenError(name)
}

/** The peer's delete orders, after forgetting those it confirms. */
export async function settleDeleteOrders (context: DirectoryContext, peerId: string, confirmed: readonly string[]): Promise<DeleteOrderRecord[]> {
  return await context.store.takeDeleteOrders(peerId, confirmed, MAX_DELETES_PER_LEASE)
}

/** Forgets the tombstones over; part of the expiry sweep. */
export async function forgetTombstones (context: DirectoryContext): Promise<number> {
  return await context.store.forgetTombstones(context.now())
}
