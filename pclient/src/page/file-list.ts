// The file list as the page shows it: which files match the filter box, in which order, each with its
// values already formatted for people, so the template only places text (and nunjucks escapes it).
// The server does the filtering and sorting, so the list works the same with or without JavaScript.
import type { FileView } from '@p2p/proto'
import { z } from 'zod'
import { formatBytes } from '@p2p/proto'
import { timeAgo } from './time-ago.js'

export const SORT_KEYS = ['name', 'size', 'date'] as const
export type SortKey = typeof SORT_KEYS[number]
export type SortOrder = 'asc' | 'desc'

/** Each column's natural first order: names A to Z, the biggest and the newest first. */
const FIRST_ORDER: Record<SortKey, SortOrder> = { name: 'asc', size: 'desc', date: 'desc' }
/** Newest first: the file someone just shared is the one people look for. */
const DEFAULT_SORT: SortKey = 'date'
const MAX_FILTER_LENGTH = 200

/**
 * `?q=&sort=&order=` from a URL. A link with an unknown sort or an overlong filter still shows the
 * page (the default order, the filter cut short) instead of an error.
 */
export const fileListQuerySchema = z.object({
  q: z.string().optional().catch(undefined).transform((q) => (q ?? '').trim().slice(0, MAX_FILTER_LENGTH)),
  sort: z.enum(SORT_KEYS).optional().catch(undefined),
  order: z.enum(['asc', 'desc']).optional().catch(undefined)
})

export type FileListQueryInput = z.output<typeof fileListQuerySchema>

export interface FileListQuery {
  q: string
  sort: SortKey
  order: SortOrder
}

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
  href: string
  /** The value of the column header's aria-sort. */
  ariaSort: 'ascending' | 'descending' | 'none'
}

export interface FileList {
  files: PageFile[]
  /** Every file on the network, before the filter. */
  total: number
  query: FileListQuery
  sortLinks: SortLink[]
  /** The list without the filter, in the same order (the "show all files" link). */
  clearFilterHref: string
}

const REPLICA_WARNINGS: Partial<Record<FileView['status'], PageFile['warning']>> = {
  'under-replicated': { label: 'few copies', detail: 'Fewer copies than the network keeps; another peer with room will copy it.' },
  lost: { label: 'unavailable', detail: 'No live peer holds it; it comes back when a peer that had it returns.' }
}

const SORT_LABELS: Record<SortKey, string> = { name: 'Name', size: 'Size', date: 'Added' }

export function toFileListQuery (input: Partial<FileListQueryInput> = {}): FileListQuery {
  const sort = input.sort ?? DEFAULT_SORT
  return { q: input.q ?? '', sort, order: input.order ?? FIRST_ORDER[sort] }
}

export function downloadHref (name: string): string {
  return `/download/${encodeURIComponent(name)}`
}

/** `/?q=...&sort=...&order=...#files`, leaving out an empty filter. */
export function listHref (query: FileListQuery): string {
  const params = new URLSearchParams()
  if (query.q !== '') params.set('q', query.q)
  params.set('sort', query.sort)
  params.set('order', query.order)
  return `/?${params.toString()}#files`
}

export function buildFileList (views: readonly FileView[], query: FileListQuery, selfPeer: string | null, now: number): FileList {
  const terms = query.q.toLowerCase().split(/\s+/).filter((term) => term !== '')
  const matching = views.filter((file) => {
    const name = file.name.toLowerCase()
    return terms.every((term) => name.includes(term))
  })
  const files = matching.sort(compareBy(query)).map((file) => toPageFile(file, selfPeer, now))
  return {
    files,
    total: views.length,
    query,
    sortLinks: SORT_KEYS.map((key) => sortLink(key, query)),
    clearFilterHref: listHref({ ...query, q: '' })
  }
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

function sortLink (key: SortKey, current: FileListQuery): SortLink {
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
