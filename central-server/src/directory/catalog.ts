// The catalog's answers: the files of the network page by page (live ones and lost ones), where one file
// can be fetched from, and the counts of /health and /replication. The catalog remembers each name's
// content after its last holder is gone, so such a file is answered as lost, not as unknown. Each answer
// costs its own size: a page reads its names and their holders, a locate the holders of one name, and
// the counts come from the store's counters (file-views.ts turns store files into what these answers show).
import type { FileView, HealthResponse, LostFile, ReplicationReport } from '@p2p/proto/directory'
import { FileLostError } from '../errors.js'
import type { DirectoryCounts, FileRecord } from '../store/directory-store.js'
import type { DirectoryContext } from './context.js'
import { throwUnknownOrDeleted } from './deletion.js'
import { expiryCutoff } from './expiry.js'
import { toFileView } from './file-views.js'
import { decodeCursor, encodeCursor, searchWords } from './paging.js'
import type { FileListQuery, Page } from './paging.js'

/**
 * Most catalog names one page of GET /files reads while filtering by `q`: a page whose filter matches
 * rarely stops there, answering fewer files than asked with a `next` to go on from, so a filter never
 * costs a walk of the whole catalog in one request.
 */
export const FILE_SCAN_LIMIT = 10_000
/** Most files GET /replication lists as under-replicated, and as lost (fewest copies first, then by name); the counts are whole. */
export const REPLICATION_REPORT_CAP = 1000

/** A page of files by name, those with a live copy and the lost ones, whose names contain every word of `q`. */
export async function listFiles (context: DirectoryContext, query: FileListQuery): Promise<Page<'files', FileView>> {
  const page = await context.store.pageFiles({
    seenAfter: expiryCutoff(context),
    after: decodeCursor(query.cursor),
    limit: query.limit,
    words: searchWords(query.q),
    scanLimit: FILE_SCAN_LIMIT
  })
  return {
    files: page.files.map((file) => toFileView(file, context.replicationFactor)),
    next: page.resumeAfter == null ? null : encodeCursor(page.resumeAfter)
  }
}

/** The file's view with its live holders; the FileRecord too, for a copy order's sources. Throws FileLostError, FileNotFoundError. */
export async function locateRecord (context: DirectoryContext, name: string): Promise<{ view: FileView, record: FileRecord }> {
  const record = await context.store.getFile(name, { seenAfter: expiryCutoff(context) })
  if (record == null) return await throwUnknownOrDeleted(context, name)
  if (record.holders.length === 0) throw new FileLostError(name)
  return { view: toFileView(record, context.replicationFactor), record }
}

/** Throws FileLostError for a known file no live peer holds, FileDeletedError for a deleted one, FileNotFoundError for an unknown one. */
export async function locate (context: DirectoryContext, name: string): Promise<FileView> {
  return (await locateRecord(context, name)).view
}

export async function health (context: DirectoryContext): Promise<HealthResponse> {
  const counts = await countDirectory(context)
  return { status: 'ok', peers: counts.peers, files: counts.files, replicationFactor: context.replicationFactor, underReplicated: counts.underReplicated, lost: counts.lost }
}

/** The counts, and the first REPLICATION_REPORT_CAP files under-replicated and lost. */
export async function replicationReport (context: DirectoryContext): Promise<ReplicationReport> {
  const { store, replicationFactor } = context
  const seenAfter = expiryCutoff(context)
  const [counts, underReplicated, lost] = await Promise.all([
    countDirectory(context),
    store.listFilesByCopies({ min: 1, max: replicationFactor - 1, seenAfter, limit: REPLICATION_REPORT_CAP }),
    store.listFilesByCopies({ min: 0, max: 0, seenAfter, limit: REPLICATION_REPORT_CAP })
  ])
  return {
    replicationFactor,
    files: counts.files,
    underReplicated: underReplicated.map((file) => toFileView(file, replicationFactor)),
    lost: lost.map(toLostFile),
    copiesInProgress: counts.copiesOrdered
  }
}

/** The directory's sizes from the store's counters and index sizes: O(log n), never a walk of the directory. */
export async function countDirectory (context: DirectoryContext): Promise<DirectoryCounts> {
  const at = context.now()
  return await context.store.countDirectory({ at, seenAfter: expiryCutoff(context, at), replicationFactor: context.replicationFactor })
}

function toLostFile (entry: FileRecord): LostFile {
  const pieces = entry.piecesSha256 != null ? { piecesSha256: entry.piecesSha256 } : {}
  return { name: entry.name, size: entry.size, sha256: entry.sha256, ...pieces, addedAt: new Date(entry.addedAt).toISOString() }
}
