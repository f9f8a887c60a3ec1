// What the page shows, gathered from the central: the file list (filtered and sorted as asked), the
// network's peers, and the notice a redirect or an error carried. Each part is also rendered alone
// (routes/page-fragments.ts), so the page's script can refresh it without reloading the page. When the
// central does not answer, each part shows what it last knew, with a notice (last-known.ts).
import { CentralRequestError, formatBytes } from '@p2p/proto'
import type { FilesPage } from '@p2p/proto'
import { buildFileList } from './file-list.js'
import type { FileList } from './file-list.js'
import { PAGE_SIZE, toFileListQuery } from './list-query.js'
import type { FileListQuery, FileListQueryInput } from './list-query.js'
import { readForPage } from './last-known.js'
import type { CentralSnapshots, CentralUnreachableNotice, PageRead } from './last-known.js'
import { buildNetworkModel } from './network-model.js'
import type { NetworkModel } from './network-model.js'

export interface PageNotice {
  message?: string | null
  error?: string | null
  /** The filter and order of the file list; the default order when absent. */
  list?: Partial<FileListQueryInput>
}

export interface FilesModel {
  /** The filter and order asked for (the filter box and its hidden fields keep them). */
  query: FileListQuery
  /** From the central's answer, or its last one when it does not answer (empty when it never did). */
  list: FileList
  /** Set when the central does not answer now: the page says so, and since when the list is. */
  unreachable: CentralUnreachableNotice | null
}

export interface PageModel {
  peerName: string | null
  message: string | null
  error: string | null
  files: FilesModel
  network: NetworkModel
  maxUpload: string
  maxUploadBytes: number
}

export interface PageComponents {
  /** The central's reads, with the last answers to fall back on (central-reads.ts). */
  snapshots: CentralSnapshots
  peerName: string | null
  maxUploadBytes: number
  /** The clock relative times are computed against; Date.now by default. */
  now?: () => number
}

export async function buildFilesModel (components: Pick<PageComponents, 'snapshots' | 'peerName' | 'now'>, list: Partial<FileListQueryInput> = {}): Promise<FilesModel> {
  const now = (components.now ?? Date.now)()
  const [{ query, files }, health] = await Promise.all([
    readFilesPage(components.snapshots, toFileListQuery(list), now),
    // Only for the network's file count: the list is as current as its own read, whatever health's.
    readForPage(components.snapshots, 'health', now)
  ])
  const networkTotal = health.value == null ? null : health.value.files + health.value.lost
  const page = { next: files.value?.next ?? null, networkTotal }
  return { query, list: buildFileList(files.value?.files ?? [], query, components.peerName, now, page), unreachable: files.unreachable }
}

/**
 * One page of files, as the central lists it for the query. A cursor the central refuses (from an old
 * link, or from a central replaced since) shows the first page instead of an error.
 */
async function readFilesPage (snapshots: CentralSnapshots, query: FileListQuery, now: number): Promise<{ query: FileListQuery, files: PageRead<FilesPage> }> {
  const read = async (at: FileListQuery): Promise<PageRead<FilesPage>> =>
    await readForPage(snapshots, 'listFilesPage', now, { limit: PAGE_SIZE, cursor: at.cursor, q: at.q })
  const files = await read(query)
  if (query.cursor == null || !(files.problem instanceof CentralRequestError && files.problem.statusCode === 400)) return { query, files }
  const first = { ...query, cursor: null }
  return { query: first, files: await read(first) }
}

export async function buildPageModel (components: PageComponents, notice: PageNotice = {}): Promise<PageModel> {
  const [files, network] = await Promise.all([
    buildFilesModel(components, notice.list),
    buildNetworkModel({ snapshots: components.snapshots, selfPeer: components.peerName }, (components.now ?? Date.now)())
  ])
  return {
    peerName: components.peerName,
    message: notice.message ?? null,
    error: notice.error ?? null,
    files,
    network,
    maxUpload: formatBytes(components.maxUploadBytes),
    maxUploadBytes: components.maxUploadBytes
  }
}
