// `p2p ls [FILTER]`: the network's files. A list that fits in one page (100 files) is sorted as the
// page sorts it (newest first unless asked otherwise); a longer one is walked a page at a time in the
// central's name order and printed as it arrives, as the page does, so no list is held whole.
import type { FileView } from '@p2p/proto/directory'
import { formatBytes } from '@p2p/proto/directory'
import type { CommandContext } from '../context.js'
import { ExitCode } from '../exit-codes.js'
import type { ExitCodeValue } from '../exit-codes.js'
import { listFilesResponseSchema } from '../peer-api.js'
import { formatTable, localTime } from '../table.js'

export type SortKey = 'name' | 'size' | 'date'
export type SortOrder = 'asc' | 'desc'
export interface LsOptions { long?: boolean, sort?: SortKey, order?: SortOrder }

/** The page's one page of files; a longer list is fetched in pages this big. */
const FIRST_PAGE = 100
const LATER_PAGES = 1000
/** A bound on the walk, as /list_files/ has: a million files. */
const MAX_PAGES = 1000

function compare (key: SortKey): (a: FileView, b: FileView) => number {
  if (key === 'size') return (a, b) => a.size - b.size || a.name.localeCompare(b.name)
  if (key === 'date') return (a, b) => Date.parse(a.addedAt) - Date.parse(b.addedAt) || a.name.localeCompare(b.name)
  return (a, b) => a.name.localeCompare(b.name)
}

function copies (file: FileView): string {
  if (file.status === 'lost') return 'lost'
  return file.status === 'under-replicated' ? `${file.replicas} (short)` : String(file.replicas)
}

function rowsOf (files: readonly FileView[], long: boolean): string[][] {
  return files.map((file) => [
    file.name, formatBytes(file.size), copies(file), localTime(file.addedAt),
    ...(long ? [file.sha256, file.holders.map((holder) => holder.peerId).join(',') || '-'] : [])
  ])
}

export async function listCommand ({ api, output, signal }: CommandContext, filter: string | undefined, options: LsOptions): Promise<ExitCodeValue> {
  const long = options.long === true
  const header = ['NAME', 'SIZE', 'COPIES', 'ADDED', ...(long ? ['SHA256', 'HOLDERS'] : [])]
  const print = (files: readonly FileView[]): void => {
    for (const file of files) output.record(file)
    if (files.length > 0) for (const text of formatTable(header, rowsOf(files, long), new Set([1]))) output.line(text)
  }
  const query = (limit: number, cursor: string | null): string =>
    `list_files/?${new URLSearchParams({ limit: String(limit), ...(filter == null ? {} : { q: filter }), ...(cursor == null ? {} : { cursor }) }).toString()}`

  const first = await api.json(query(FIRST_PAGE, null), listFilesResponseSchema, { signal })
  if (first.next == null) {
    const order = options.order ?? (options.sort == null || options.sort === 'date' ? 'desc' : 'asc')
    const sorted = [...first.files].sort(compare(options.sort ?? 'date'))
    print(order === 'desc' ? sorted.reverse() : sorted)
    if (first.files.length === 0) output.note(filter == null ? 'no files on the network' : `no file matches “${filter}”`)
    return ExitCode.Ok
  }
  if (options.sort != null && options.sort !== 'name') output.note('the list runs to several pages, so it goes by name; narrow it with a filter to sort by size or date')
  print(first.files)
  let cursor: string | null = first.next
  for (let pages = 1; cursor != null && pages < MAX_PAGES; pages++) {
    const page: { files: FileView[], next: string | null } = await api.json(query(LATER_PAGES, cursor), listFilesResponseSchema, { signal })
    print(page.files)
    cursor = page.next
  }
  return ExitCode.Ok
}
