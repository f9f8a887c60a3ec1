import type { FileView } from '@p2p/proto'
import { describe, expect, it } from 'vitest'
import { buildFileList } from '../../src/page/file-list.js'
import { fileListQuerySchema, listHref, toFileListQuery } from '../../src/page/list-query.js'

const NOW = Date.parse('2026-03-10T12:00:00.000Z')

function file (name: string, size: number, addedAt: string, holders: string[] = ['peer-1'], status: FileView['status'] = 'ok'): FileView {
  return {
    name, size, sha256: 'ab'.repeat(32), addedAt,
    holders: holders.map((peerId, i) => ({ peerId, grpcAddress: `127.0.0.1:${5000 + i}`, freeBytes: 0, activeTransfers: 0 })),
    replicas: holders.length,
    status
  }
}

const FILES = [
  file('file10.txt', 300, '2026-03-10T11:00:00.000Z'),
  file('file2.txt', 300, '2026-03-10T11:59:00.000Z'),
  file('Holiday Video.mp4', 9000, '2026-03-09T08:00:00.000Z'),
  file('notes.md', 10, '2026-03-10T11:30:00.000Z')
]
const names = (query: Parameters<typeof toFileListQuery>[0]): string[] => buildFileList(FILES, toFileListQuery(query), null, NOW).files.map((f) => f.name)

describe('the file list', () => {
  it('shows the newest first by default', () => {
    expect(toFileListQuery()).toEqual({ q: '', sort: 'date', order: 'desc', cursor: null })
    expect(names({})).toEqual(['file2.txt', 'notes.md', 'file10.txt', 'Holiday Video.mp4'])
  })

  it('sorts names as people count (file2 before file10), ignoring case', () => {
    expect(names({ sort: 'name' })).toEqual(['file2.txt', 'file10.txt', 'Holiday Video.mp4', 'notes.md'])
    expect(names({ sort: 'name', order: 'desc' })).toEqual(['notes.md', 'Holiday Video.mp4', 'file10.txt', 'file2.txt'])
  })

  it('sorts by size, biggest first at first, with ties in name order', () => {
    expect(names({ sort: 'size' })).toEqual(['Holiday Video.mp4', 'file2.txt', 'file10.txt', 'notes.md'])
    expect(names({ sort: 'size', order: 'asc' })).toEqual(['notes.md', 'file2.txt', 'file10.txt', 'Holiday Video.mp4'])
  })

  it('filters by every word of the filter, in any case', () => {
    expect(names({ q: 'FILE' })).toEqual(['file2.txt', 'file10.txt'])
    expect(names({ q: 'video holiday' })).toEqual(['Holiday Video.mp4'])
    expect(names({ q: 'nothing' })).toEqual([])
    // A filtered list cannot count the network: the total comes from the central's health when known.
    expect(buildFileList(FILES, toFileListQuery({ q: 'nothing' }), null, NOW).total).toBeNull()
    expect(buildFileList(FILES, toFileListQuery({ q: 'nothing' }), null, NOW, { next: null, networkTotal: 4 }).total).toBe(4)
  })

  it('links each column to sort by it, and the sorted column to its other order', () => {
    const list = buildFileList(FILES, toFileListQuery({ q: 'a b', sort: 'size', order: 'desc' }), null, NOW)
    expect(list.sortLinks).toEqual([
      { key: 'name', label: 'Name', href: '/?q=a+b&sort=name&order=asc#files', ariaSort: 'none' },
      { key: 'size', label: 'Size', href: '/?q=a+b&sort=size&order=asc#files', ariaSort: 'descending' },
      { key: 'date', label: 'Added', href: '/?q=a+b&sort=date&order=desc#files', ariaSort: 'none' }
    ])
    expect(list.clearFilterHref).toBe('/?sort=size&order=desc#files')
  })

  it('formats each file for people, with an encoded download link, its copies and a warning when copies are missing', () => {
    const [view] = buildFileList([file('a #1 ?%.txt', 1536, '2026-03-10T11:55:00.000Z', ['peer-1', 'peer-2'], 'under-replicated')], toFileListQuery(), 'peer-2', NOW).files
    expect(view).toMatchObject({
      name: 'a #1 ?%.txt',
      href: '/download/a%20%231%20%3F%25.txt',
      size: '1.5 KiB',
      bytes: 1536,
      added: '5 min ago',
      copies: 2,
      holders: [{ peerId: 'peer-1', isSelf: false }, { peerId: 'peer-2', isSelf: true }]
    })
    expect(view?.warning?.label).toBe('few copies')
    expect(view?.downloadable).toBe(true)
  })

  it('marks a lost file, which no live peer holds, as not downloadable', () => {
    const [view] = buildFileList([file('gone.bin', 10, '2026-03-10T11:55:00.000Z', [], 'lost')], toFileListQuery(), null, NOW).files
    expect(view).toMatchObject({ copies: 0, downloadable: false, warning: { label: 'unavailable' } })
  })

  it('reads the query from a URL, falling back instead of failing on odd values', () => {
    expect(fileListQuerySchema.parse({ q: '  holiday  ', sort: 'size', order: 'asc' })).toEqual({ q: 'holiday', sort: 'size', order: 'asc' })
    expect(fileListQuerySchema.parse({ sort: 'colour', order: 'sideways' })).toEqual({ q: '', sort: undefined, order: undefined })
    expect(fileListQuerySchema.parse({ q: 'x'.repeat(500) }).q).toHaveLength(200)
    expect(listHref({ q: '#?&', sort: 'name', order: 'asc' })).toBe('/?q=%23%3F%26&sort=name&order=asc#files')
  })
})

describe('a file list of several pages', () => {
  const page = (next: string | null, networkTotal: number | null = null): { next: string | null, networkTotal: number | null } => ({ next, networkTotal })

  it("keeps the central's name order whatever the link asked, offers no sort links, and links the next page", () => {
    const byName = [...FILES].sort((a, b) => (a.name < b.name ? -1 : 1))
    const list = buildFileList(byName, toFileListQuery({ sort: 'size', order: 'desc' }), null, NOW, page('notes.md', 5321))
    expect(list.paged).toBe(true)
    expect(list.files.map((f) => f.name)).toEqual(['Holiday Video.mp4', 'file10.txt', 'file2.txt', 'notes.md'])
    expect(list.sortLinks.map((link) => [link.key, link.href, link.ariaSort])).toEqual([['name', null, 'ascending'], ['size', null, 'none'], ['date', null, 'none']])
    expect(list.nextHref).toBe('/?sort=size&order=desc&cursor=notes.md#files')
    expect(list.firstPageHref).toBeNull()
    expect(list.count).toBe('5321 files')
  })

  it('counts what it can: the network from health, else "100+" on the first page and "on this page" after', () => {
    const first = toFileListQuery({ q: 'file' })
    expect(buildFileList(FILES, toFileListQuery(), null, NOW, page('x')).count).toBe('4+ files')
    expect(buildFileList(FILES, toFileListQuery({ cursor: 'c' }), null, NOW, page(null)).count).toBe('4 files on this page')
    expect(buildFileList(FILES, first, null, NOW, page('x', 10)).count).toBe('2+ files match “file”')
    expect(buildFileList(FILES, { ...first, cursor: 'c' }, null, NOW, page(null)).count).toBe('2 more files match “file”')
    // One page: exact, with the network's count when known.
    expect(buildFileList(FILES, first, null, NOW, page(null, 10)).count).toBe('2 of 10 files match “file”')
    expect(buildFileList(FILES, toFileListQuery({ q: 'notes' }), null, NOW).count).toBe('1 file matches “notes”')
    expect(buildFileList(FILES, toFileListQuery(), null, NOW).count).toBe('4 files')
  })

  it('links a later page back to the first, and a filter or a sort starts from the first page', () => {
    const list = buildFileList(FILES, toFileListQuery({ q: 'a', cursor: 'm' }), null, NOW, page(null))
    expect(list.firstPageHref).toBe('/?q=a&sort=date&order=desc#files')
    expect(list.clearFilterHref).toBe('/?sort=date&order=desc#files')
    expect(list.nextHref).toBeNull()
    expect(list.networkEmpty).toBe(false)
    expect(fileListQuerySchema.parse({ cursor: 'x'.repeat(2000) }).cursor).toBeUndefined()
  })
})
