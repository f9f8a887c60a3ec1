// How the listings page: a cursor is the last key a page answered (a peer id, a file name), opaque to
// clients (base64url), so the next page starts right after it whatever changed in between; and a file
// filter `q` is a set of lower-cased words that a name must all contain.
import type { listFilesQuerySchema, pageQuerySchema } from '@p2p/proto/directory'
import type { z } from 'zod'
import { ValidationError } from '../errors.js'

export type PageQuery = z.output<typeof pageQuerySchema>
export type FileListQuery = z.output<typeof listFilesQuerySchema>

/** A listing's answer: its entries, and the cursor of the following page (null on the last one). */
export type Page<K extends string, T> = Record<K, T[]> & { next: string | null }

export function encodeCursor (key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url')
}

/** The key a cursor stands for; a cursor this central could not have given is a validation error. */
export function decodeCursor (cursor: string | undefined): string | undefined {
  if (cursor == null) return undefined
  const key = Buffer.from(cursor, 'base64url').toString('utf8')
  if (key === '' || encodeCursor(key) !== cursor) throw new ValidationError('querystring.cursor: not a cursor from a previous page')
  return key
}

/** The words of a filter, lower-cased (a name matches when it contains them all, in any case). */
export function searchWords (q: string | undefined): string[] {
  return (q ?? '').toLowerCase().split(/\s+/).filter((word) => word !== '')
}
