// What a file looks like to the routes: holders least loaded first, dated by its first live holder, its
// status against the replication factor, and the sources a copy order names.
import { describe, expect, it } from 'vitest'
import { sourcesOf, toFileView } from '../../src/directory/file-views.js'
import type { FileHolder, FileRecord } from '../../src/store/directory-store.js'

const SHA = 'a'.repeat(64)

function holder (peerId: string, activeTransfers: number, freeBytes: number, announcedAt = 50): FileHolder {
  return { peerId, grpcAddress: `${peerId}:1`, capacityBytes: 1000, freeBytes, activeTransfers, registeredAt: 0, lastSeenAt: 0, announcedAt }
}

function file (holders: FileHolder[]): FileRecord {
  return { name: 'a.txt', size: 10, sha256: SHA, addedAt: 10, holders }
}

describe('toFileView', () => {
  it('orders holders least loaded first and dates the file by its first live holder', () => {
    const view = toFileView(file([holder('busy', 3, 900, 70), holder('b', 1, 100, 60), holder('a', 1, 100, 90), holder('idle', 0, 1, 80)]), 2)
    expect(view.holders.map((h) => h.peerId)).toEqual(['idle', 'a', 'b', 'busy'])
    expect(view).toMatchObject({ addedAt: new Date(60).toISOString(), replicas: 4, status: 'ok' })
    expect(view.holders[0]).toEqual({ peerId: 'idle', grpcAddress: 'idle:1', freeBytes: 1, activeTransfers: 0 })
  })

  it('says under-replicated below the factor, and lost with no holder (dated by the catalog)', () => {
    expect(toFileView(file([holder('a', 0, 1)]), 2)).toMatchObject({ replicas: 1, status: 'under-replicated' })
    expect(toFileView(file([]), 2)).toMatchObject({ replicas: 0, status: 'lost', holders: [], addedAt: new Date(10).toISOString() })
  })
})

describe('sourcesOf', () => {
  it('names at most four holders, least loaded first', () => {
    const holders = ['e', 'd', 'c', 'b', 'a'].map((peerId) => holder(peerId, 0, 1))
    expect(sourcesOf(file(holders))).toEqual(['a', 'b', 'c', 'd'].map((peerId) => ({ peerId, grpcAddress: `${peerId}:1` })))
  })
})
