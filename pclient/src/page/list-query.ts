// What the URL asks of the file list: the filter, the order and the page (the central's cursor), read
// leniently from a link, and written back into the links the list offers.
import { z } from 'zod'

export const SORT_KEYS = ['name', 'size', 'date'] as const
export type SortKey = typeof SORT_KEYS[number]
export type SortOrder = 'asc' | 'desc'

/** Each column's natural first order: names A to Z, the biggest and the newest first. */
export const FIRST_ORDER: Record<SortKey, SortOrder> = { name: 'asc', size: 'desc', date: 'desc' }
/** Newest first: the file someone just shared is the one people look for. */
const DEFAULT_SORT: SortKey = 'date'
const MAX_FILTER_LENGTH = 200

/** Files shown per page: one page of the central's listing. */
export const PAGE_SIZE = 100

/**
 * `?q=&sort=&order=&cursor=` from a URL. A link with an unknown sort or an overlong filter still shows the
 * page (the default order, the filter cut short) instead of an error.
 */
export const fileListQuerySchema = z.object({
  q: z.string().optional().catch(undefined).transform((q) => (q ?? '').trim().slice(0, MAX_FILTER_LENGTH)),
  sort: z.enum(SORT_KEYS).optional().catch(undefined),
  order: z.enum(['asc', 'desc']).optional().catch(undefined),
  /** Where the shown page starts: the central's `next` from the page before (opaque). */
  cursor: z.string().min(1).max(1024).optional().catch(undefined)
})

export type FileListQueryInput = z.output<typeof fileListQuerySchema>

export interface FileListQuery {
  q: string
  sort: SortKey
  order: SortOrder
  /** Null on the first page. */
  cursor: string | null
}

export function toFileListQuery (input: Partial<FileListQueryInput> = {}): FileListQuery {
  const sort = input.sort ?? DEFAULT_SORT
  return { q: input.q ?? '', sort, order: input.order ?? FIRST_ORDER[sort], cursor: input.cursor ?? null }
}

/** `/?q=...&sort=...&order=...&cursor=...#files`, leaving out an empty filter and the first page's cursor. */
export function listHref (query: Pick<FileListQuery, 'q' | 'sort' | 'order'> & { cursor?: string | null }): string {
  const params = new URLSearchParams()
  if (query.q !== '') params.set('q', query.q)
  params.set('sort', query.sort)
  params.set('order', query.order)
  if (query.cursor != null) params.set('cursor', query.cursor)
  return `/?${params.toString()}#files`
}
