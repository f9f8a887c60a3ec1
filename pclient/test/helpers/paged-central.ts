// A test's file list served a page at a time, as the central pages it: by name, `limit` files after
// `cursor` (the last name of the page before), `q` keeping the names that contain every one of its
// words in any case. The page asks for pages; a test states the whole list.
import type { CentralClient, FileView, FilesPage } from '@p2p/proto'

export function filesPager (list: () => Promise<FileView[]>): CentralClient['listFilesPage'] {
  return async (query = {}): Promise<FilesPage> => {
    const words = (query.q ?? '').toLowerCase().split(/\s+/).filter((word) => word !== '')
    const sorted = (await list()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    const rest = sorted.filter((file) => (query.cursor == null || file.name > query.cursor) && words.every((word) => file.name.toLowerCase().includes(word)))
    const limit = query.limit ?? 100
    const files = rest.slice(0, limit)
    return { files, next: rest.length > limit ? files.at(-1)!.name : null }
  }
}

/** The pages of the file list a test gave (listFiles), unless it gave its own listFilesPage. */
export function withPages (central: Partial<CentralClient>): Partial<CentralClient> {
  if (central.listFiles == null || central.listFilesPage != null) return central
  return { ...central, listFilesPage: filesPager(central.listFiles) }
}
