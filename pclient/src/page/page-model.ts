// What the page shows, computed from the central's file list: a view model with every value already
// formatted, so the template only places text (and nunjucks escapes it).
import type { CentralClient, FileView } from '@p2p/proto'
import { formatBytes } from '../byte-size.js'
import { toHttpError } from '../error-mapping.js'

export interface PageNotice {
  message?: string | null
  error?: string | null
}

export interface PageFile {
  name: string
  /** /download/<name>, percent-encoded so names with '#', '?', '%' or spaces link correctly. */
  href: string
  size: string
  bytes: number
  sha256: string
  shortSha: string
  holders: string[]
}

export interface PageModel {
  peerName: string | null
  message: string | null
  error: string | null
  files: PageFile[]
  /** Set when the central could not be asked: the page says so instead of showing an empty list. */
  centralError: string | null
  maxUpload: string
}

export interface PageComponents {
  central: Pick<CentralClient, 'listFiles'>
  peerName: string | null
  maxUploadBytes: number
}

export function downloadHref (name: string): string {
  return `/download/${encodeURIComponent(name)}`
}

export function toPageFile (file: FileView): PageFile {
  return {
    name: file.name,
    href: downloadHref(file.name),
    size: formatBytes(file.size),
    bytes: file.size,
    sha256: file.sha256,
    shortSha: file.sha256.slice(0, 12),
    holders: file.holders.map((holder) => holder.peerId)
  }
}

export async function buildPageModel (components: PageComponents, notice: PageNotice = {}): Promise<PageModel> {
  let files: PageFile[] = []
  let centralError: string | null = null
  try {
    const listed = await components.central.listFiles()
    files = listed.map(toPageFile).sort((a, b) => a.name.localeCompare(b.name))
  } catch (err) {
    centralError = toHttpError(err).message
  }
  return {
    peerName: components.peerName,
    message: notice.message ?? null,
    error: notice.error ?? null,
    files,
    centralError,
    maxUpload: formatBytes(components.maxUploadBytes)
  }
}
