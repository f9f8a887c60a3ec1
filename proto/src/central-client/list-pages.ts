// A whole listing gathered page by page, for the callers that need every entry (a script's
// /list_files/, the most free space of any peer). The central answers one page per request, so no
// single answer grows with the network; the walk is bounded so a runaway cursor cannot loop for ever.
import { LIST_PAGE_MAX } from '../contracts/central-api.js'
import { CentralRequestError } from './central-errors.js'

/** Entries asked for per page while walking: the most the central gives in one answer. */
export const LIST_WALK_PAGE_SIZE = LIST_PAGE_MAX

/** Pages walked at most: a million entries at LIST_WALK_PAGE_SIZE. Beyond it the walk fails (CENTRAL_LIST_TOO_LONG). */
export const LIST_WALK_MAX_PAGES = 1000

export const LIST_TOO_LONG = 'CENTRAL_LIST_TOO_LONG'

/** Asks `fetchPage` for each page in turn, from the first (no cursor) until `next` is null. */
export async function walkPages<T> (what: string, fetchPage: (cursor: string | undefined) => Promise<{ entries: T[], next: string | null }>): Promise<T[]> {
  const all: T[] = []
  let cursor: string | undefined
  for (let page = 0; page < LIST_WALK_MAX_PAGES; page++) {
    const { entries, next } = await fetchPage(cursor)
    all.push(...entries)
    if (next == null) return all
    // The same cursor again would walk the same page for ever: a broken central, said at once.
    if (next === cursor) throw new CentralRequestError(502, 'CENTRAL_BAD_RESPONSE', `the central answered the same ${what} cursor twice`)
    cursor = next
  }
  throw new CentralRequestError(502, LIST_TOO_LONG, `the central's ${what} list is longer than ${LIST_WALK_MAX_PAGES} pages of ${LIST_WALK_PAGE_SIZE}; ask for one page at a time`)
}
