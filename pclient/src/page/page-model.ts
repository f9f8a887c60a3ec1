// What the page shows, gathered from the central: the file list (filtered and sorted as asked), the
// network's peers, and the notice a redirect or an error carried. Each part is also rendered alone
// (routes/page-fragments.ts), so the page's script can refresh it without reloading the page.
import type { CentralClient } from '@p2p/proto'
import { formatBytes } from '../byte-size.js'
import { toHttpError } from '../error-mapping.js'
import { buildFileList, toFileListQuery } from './file-list.js'
import type { FileList, FileListQuery, FileListQueryInput } from './file-list.js'
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
  /** null when the central could not be asked: the page says so instead of showing an empty list. */
  list: FileList | null
  centralError: string | null
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
  central: Pick<CentralClient, 'listFiles' | 'listPeers' | 'health'>
  peerName: string | null
  maxUploadBytes: number
  /** The clock relative times are computed against; Date.now by default. */
  now?: () => number
}

export async function buildFilesModel (components: Pick<PageComponents, 'central' | 'peerName' | 'now'>, list: Partial<FileListQueryInput> = {}): Promise<FilesModel> {
  const query = toFileListQuery(list)
  try {
    const views = await components.central.listFiles()
    return { query, list: buildFileList(views, query, components.peerName, (components.now ?? Date.now)()), centralError: null }
  } catch (err) {
    return { query, list: null, centralError: toHttpError(err).message }
  }
}

export async function buildPageModel (components: PageComponents, notice: PageNotice = {}): Promise<PageModel> {
  const [files, network] = await Promise.all([
    buildFilesModel(components, notice.list),
    buildNetworkModel({ central: components.central, selfPeer: components.peerName }, (components.now ?? Date.now)())
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
