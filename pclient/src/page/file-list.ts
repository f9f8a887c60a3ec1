// The file list as the page shows it: which files match the filter box, in which order, each with its
// values already formatted for people, so the template only places text (and nunjucks escapes it).
// The server does the filtering and sorting, so the list works the same with or without JavaScript.
// The page shows one page of the central's listing (PAGE_SIZE files by name, filtered by the central),
// never the whole network's list. When everything asked for fits in that one page, it is sorted here as
// the person asked (name, size or date); when the list runs to more pages, it stays in the central's
// name order and the size and date columns are not offered: sorting one page by size would pass off
// that page's biggest files as the network's.
import type { FileView } from '@p2p/proto'
import { formatBytes } from '@p2p/proto'
import { FIRST_ORDER, PAGE_SIZE, SORT_KEYS, listHref } from './list-query.js'
import type { FileListQuery, SortKey, SortOrder } from './list-query.js'
import { timeAgo } from './time-ago.js'

export interface PageFile {
  name: string
  /** /download/<name>, percent-encoded so names with '#', '?', '%' or spaces link correctly. */
  href: string
  size: string
  bytes: number
  sha256: string
  shortSha: string
  addedAt: string
  /** 'just now', '5 min ago', ... */
  added: string
  /** Live copies on the network. */
  copies: number
  holders: Array<{ peerId: string, isSelf: boolean }>
  /** Set when the file has fewer live copies than the network keeps: a short label and what it means. */
  warning: { label: string, detail: string } | null
  /** False for a lost file: no live peer holds it, so the page offers no download link. */
  downloadable: boolean
}

export interface SortLink {
  key: SortKey
  label: string
  /** Null when the list runs to several pages: it can only be shown in the central's name order. */
  href: string | null
  /** The value of the column header's aria-sort. */
  ariaSort: 'ascending' | 'descending' | 'none'
}

export interface FileList {
  files: PageFile[]
  /** Every file on the network, before the filter (live and lost); null when unknown. */
  total: number | null
  /** 'N files', 'M of N files match “q”', '100+ files match “q”', ... */
  count: string
  /** No file on the network at all: nothing on the first page unfiltered, or a network total of 0. */
  networkEmpty: boolean
  query: FileListQuery
  /** The list runs to more than one page: in name order, with links to the next page and back to the first. */
  paged: boolean
  /** Files per page (PAGE_SIZE), for the page to say so. */
  pageSize: number
  sortLinks: SortLink[]
  /** The list without the filter, in the same order (the "show all files" link). */
  clearFilterHref: string
  /** The following page ("More files"); null on the last one. */
  nextHref: string | null
  /** Back to the first page; null on the first page. */
  firstPageHref: string | null
}

/** What the central said about the shown page beyond its files. */
export interface PageInfo {
  /** The central's cursor of the following page; null on the last page. */
  next: string | null
  /** Files on the whole network (live and lost: /health's files + lost); null when unknown. */
  networkTotal: number | null
}

const REPLICA_WARNINGS: Partial<Record<FileView['status'], PageFile['warning']>> = {
  'under-replicated': { label: 'few copies', detail: 'Fewer copies than the network keeps; another peer with room will copy it.' },
  lost: { label: 'unavailable', detail: 'No live peer holds it; it comes back when a peer that had it returns.' }
}

const SORT_LABELS: Record<SortKey, string> = { name: 'Name', size: 'Size', date: 'Added' }

export function downloadHref (name: string): string {
  return `/download/${encodeURIComponent(name)}`
}

/** `views`: one page of the central's listing, by name, for `query`. */
export function buildFileList (views: readonly FileView[], query: FileListQuery, selfPeer: string | null, now: number, page: PageInfo = { next: null, networkTotal: null }): FileList {
  const terms = query.q.toLowerCase().split(/\s+/).filter((term) => term !== '')
  // The central filters already; filtering again costs nothing and keeps a central that does not
  // filter yet (one from before paging) from showing every file as a match.
  const matching = views.filter((file) => {
    const name = file.name.toLowerCase()
    return terms.every((term) => name.includes(term))
  })
  const paged = query.cursor != null || page.next != null
  const ordered = paged ? matching : matching.sort(compareBy(query))
  const total = page.networkTotal ?? (terms.length === 0 && !paged ? views.length : null)
  return {
    files: ordered.map((file) => toPageFile(file, selfPeer, now)),
    total,
    count: describeCount(matching.length, query, paged, total),
    networkEmpty: matching.length === 0 && query.cursor == null && (terms.length === 0 || page.networkTotal === 0),
    query,
    paged,
    pageSize: PAGE_SIZE,
    sortLinks: SORT_KEYS.map((key) => sortLink(key, query, paged)),
    clearFilterHref: listHref({ ...query, q: '', cursor: null }),
    nextHref: page.next == null ? null : listHref({ ...query, cursor: page.next }),
    firstPageHref: query.cursor == null ? null : listHref({ ...query, cursor: null })
  }
}

const plural = (count: number): string => `${count} ${count === 1 ? 'file' : 'files'}`

/** The count line: exact when the list is one page, the network's total when known, else '100+'. */
function describeCount (shown: number, query: FileListQuery, paged: boolean, total: number | null): string {
  const quoted = `“${query.q}”`
  const later = query.cursor != null
  if (query.q === '') {
    if (!paged) return plural(shown)
    if (total != null) return plural(Math.max(total, shown))
    return later ? `${plural(shown)} on this page` : `${shown}+ files`
  }
  if (!paged) return total != null ? `${shown} of ${Math.max(total, shown)} files match ${quoted}` : `${plural(shown)} ${shown === 1 ? 'matches' : 'match'} ${quoted}`
  return later ? `${shown} more ${shown === 1 ? 'file matches' : 'files match'} ${quoted}` : `${shown}+ files match ${quoted}`
}

export function toPageFile (file: FileView, selfPeer: string | null, now: number): PageFile {
  return {
    name: file.name,
    href: downloadHref(file.name),
    size: formatBytes(file.size),
    bytes: file.size,
    sha256: file.sha256,
    shortSha: file.sha256.slice(0, 12),
    addedAt: file.addedAt,
    added: timeAgo(file.addedAt, now),
    copies: file.holders.length,
    holders: file.holders.map((holder) => ({ peerId: holder.peerId, isSelf: holder.peerId === selfPeer })),
    warning: REPLICA_WARNINGS[file.status] ?? null,
    downloadable: file.status !== 'lost'
  }
}

function sortLink (key: SortKey, current: FileListQuery, paged: boolean): SortLink {
  // Several pages: shown in the central's order, by name from A, whatever the link asked.
  if (paged) return { key, label: SORT_LABELS[key], href: null, ariaSort: key === 'name' ? 'ascending' : 'none' }
  const active = current.sort === key
  // Clicking the active column turns its order around; another column starts in its natural order.
  const order: SortOrder = active ? (current.order === 'asc' ? 'desc' : 'asc') : FIRST_ORDER[key]
  return {
    key,
    label: SORT_LABELS[key],
    href: listHref({ q: current.q, sort: key, order }),
    ariaSort: active ? (current.order === 'asc' ? 'ascending' : 'descending') : 'none'
  }
}

const byName = (a: FileView, b: FileView): number => a.name.localeCompare(b.name, 'en', { numeric: true, sensitivity: 'base' })

function compareBy (query: FileListQuery): (a: FileView, b: FileView) => number {
  const direction = query.order === 'asc' ? 1 : -1
  const primary = {
    name: byName,
    size: (a: FileView, b: FileView) => a.size - b.size,
    date: (a: FileView, b: FileView) => Date.parse(a.addedAt) - Date.parse(b.addedAt)
  }[query.sort]
  // Ties (same size, same second) fall back to the name, A to Z, so the order never jumps between refreshes.
  return (a, b) => (primary(a, b) * direction) || byName(a, b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
}
