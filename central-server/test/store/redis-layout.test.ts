// What the Redis store must do beyond the contract: its scripts survive a flushed script cache (NOSCRIPT
// falls back to EVAL), the scripts and keys.ts name the same keys, a prefix keeps directories apart and
// nothing but the catalog is left behind, odd names and the largest byte counts come back exact (names
// paged in byte order), the largest registration goes through, and two replicas (two connections)
// placing uploads at once never promise a peer more than its free bytes.
import { MAX_FILES_PER_PEER } from '@p2p/proto'
import { describeWithRedis, silentLogger, startRedisServer } from '@p2p/test-support'
import type { TestRedisServer } from '@p2p/test-support'
import { createClient } from 'redis'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import { compareStrings } from '../../src/store/compare-strings.js'
import type { DirectoryStore, PeerRecord } from '../../src/store/directory-store.js'
import { createRedisDirectoryStore } from '../../src/store/redis/index.js'
import type { RedisDirectoryStore } from '../../src/store/redis/index.js'
import { redisKeys } from '../../src/store/redis/keys.js'
import { LUA_LIB, SCRIPTS } from '../../src/store/redis/scripts.js'

const T0 = Date.UTC(2026, 0, 1)
const LIVE = { seenAfter: 0 }
const SHA = 'a'.repeat(64)

function peer (peerId: string, overrides: Partial<PeerRecord> = {}): PeerRecord {
  return { peerId, grpcAddress: `${peerId}.example:50051`, capacityBytes: 1000, freeBytes: 1000, activeTransfers: 0, registeredAt: T0, lastSeenAt: T0, ...overrides }
}

async function holderIds (store: DirectoryStore, name: string): Promise<string[]> {
  return (await store.getFile(name, LIVE))?.holders.map((holder) => holder.peerId) ?? []
}

describeWithRedis('the Redis store beyond the contract', () => {
  let redis: TestRedisServer
  let admin: ReturnType<typeof createClient>
  let opened: RedisDirectoryStore[] = []
  let prefixes = 0
  beforeAll(async () => {
    redis = await startRedisServer()
    admin = createClient({ url: redis.url })
    await admin.connect()
  })
  afterEach(async () => { await Promise.all(opened.splice(0).map(async (store) => { await store.close() })) })
  afterAll(async () => {
    await admin.close()
    await redis.close()
  })

  async function open (keyPrefix = `layout-${++prefixes}:`): Promise<RedisDirectoryStore> {
    const store = createRedisDirectoryStore({ url: redis.url, keyPrefix, log: silentLogger })
    opened.push(store)
    expect(await store.waitUntilReady(5000)).toBe(true)
    return store
  }

  it('runs its scripts again after Redis forgot them (SCRIPT FLUSH, as after a restart)', async () => {
    const store = await open()
    await store.putPeer(peer('p1'), [])
    expect(await admin.scriptExists(SCRIPTS.putPeer.SHA1)).toEqual([1])
    await admin.scriptFlush()
    expect(await admin.scriptExists(SCRIPTS.putPeer.SHA1)).toEqual([0])
    await store.putPeer(peer('p2'), [{ name: 'a.txt', size: 1, sha256: SHA, announcedAt: T0 }])
    expect(await store.reserveUpload({ kind: 'upload', peerId: 'p1', name: 'b.txt', size: 5, placedAt: T0, started: false, expiresAt: T0 + 100 }, LIVE)).toBe('reserved')
    expect((await store.pagePeers({ seenAfter: 0, limit: 10 })).map((p) => [p.peerId, p.fileCount])).toEqual([['p1', 0], ['p2', 1]])
    // Sent once with EVAL, the script is cached again for EVALSHA.
    expect(await admin.scriptExists(SCRIPTS.putPeer.SHA1)).toEqual([1])
  })

  it('names in its scripts exactly the keys keys.ts names', async () => {
    const keys = redisKeys('pre:')
    const fromLua = await admin.eval(`${LUA_LIB}\nreturn {
      K.peer(ARGV[2]), K.peersSeen, K.peerIds, K.peersRoom, K.copyRoom, K.files(ARGV[2]), K.holders(ARGV[3]), K.catalog,
      K.catalogNames, K.catalogFolded, K.fileCopies, K.copyQueue, K.copiesOrdered, K.reservations(ARGV[2]),
      K.reservationsByName(ARGV[3]), K.reservationExpiry, K.counters }`, { arguments: ['pre:', 'p-1', 'a b:c.txt'] })
    expect(fromLua).toEqual([
      keys.peer('p-1'), keys.peersSeen, keys.peerIds, keys.peersRoom, keys.copyRoom, keys.files('p-1'), keys.holders('a b:c.txt'), keys.catalog,
      keys.catalogNames, keys.catalogFolded, keys.fileCopies, keys.copyQueue, keys.copiesOrdered, keys.reservations('p-1'),
      keys.reservationsByName('a b:c.txt'), keys.reservationExpiry, keys.counters
    ])
  })

  it('keeps each prefix to itself, and leaves only the catalog behind once every peer and reservation is gone', async () => {
    const a = await open('dir-a:')
    const b = await open('dir-b:')
    for (const store of [a, b]) {
      await store.putPeer(peer('p1'), [{ name: 'Kept.txt', size: 1, sha256: SHA, announcedAt: T0 }])
      await store.putPeer(peer('p2'), [{ name: 'Kept.txt', size: 1, sha256: SHA, announcedAt: T0 }])
      await store.reserveUpload({ kind: 'upload', peerId: 'p1', name: 'up.bin', size: 5, placedAt: T0, started: false, expiresAt: T0 + 100 }, LIVE)
      await store.addReservation({ kind: 'replica', peerId: 'p2', name: 'Kept.txt', size: 1, sha256: SHA, delivered: false, expiresAt: T0 + 100 })
      await store.addReservation({ kind: 'upload', peerId: 'p2', name: 'old.bin', size: 5, placedAt: T0, started: true, expiresAt: T0 + 10 })
    }
    await a.removePeer('p1')
    await a.removePeer('p2')
    expect(await a.listPeerReservations('p2', T0)).toEqual([])
    // The catalog outlives the peers (Kept.txt is lost now, with no copy); no count, index or record is left.
    expect((await admin.keys('dir-a:*')).sort()).toEqual(['dir-a:catalog', 'dir-a:catalog:copies', 'dir-a:catalog:folded', 'dir-a:catalog:names'])
    expect(await a.countDirectory({ at: T0, seenAfter: 0, replicationFactor: 2 })).toEqual({ peers: 0, files: 0, underReplicated: 0, lost: 1, copiesOrdered: 0, uploadsPlaced: 0, holdings: 0 })

    expect((await b.pagePeers({ seenAfter: 0, limit: 10 })).map((p) => p.peerId)).toEqual(['p1', 'p2'])
    expect(await b.countDirectory({ at: T0, seenAfter: 0, replicationFactor: 2 })).toMatchObject({ copiesOrdered: 1, uploadsPlaced: 2 })
    // An expired reservation is forgotten when the reservations are read past its end.
    expect((await b.listPeerReservations('p2', T0 + 10)).map((r) => r.name)).toEqual(['Kept.txt'])
    expect(await admin.hExists(redisKeys('dir-b:').reservations('p2'), 'old.bin')).toBe(0)
    expect(await b.countDirectory({ at: T0 + 100, seenAfter: 0, replicationFactor: 2 })).toMatchObject({ files: 1, copiesOrdered: 0, uploadsPlaced: 0 })
  })

  it('keeps odd names and the largest byte counts exact, and pages names by their bytes', async () => {
    const store = await open()
    const huge = Number.MAX_SAFE_INTEGER
    const names = ['résumé (final).pdf', 'a:b{c}*?.txt', '日本語 ファイル.txt', 'emoji-😀.bin', 'emoji-ｆｕｌｌ.bin', 'per%cent & "quotes"', 'ÉTÉ [x] -.txt']
    await store.putPeer(peer('p1', { capacityBytes: huge, freeBytes: huge - 1, lastSeenAt: T0 + 0.5 }), names.map((name) => ({ name, size: huge, sha256: SHA, announcedAt: T0 })))
    expect(await store.getPeer('p1')).toEqual(peer('p1', { capacityBytes: huge, freeBytes: huge - 1, lastSeenAt: T0 + 0.5 }))
    for (const name of names) {
      expect(await store.getFile(name, LIVE)).toEqual({ name, size: huge, sha256: SHA, addedAt: T0, holders: [{ ...peer('p1', { capacityBytes: huge, freeBytes: huge - 1, lastSeenAt: T0 + 0.5 }), announcedAt: T0 }] })
    }
    const paged = await store.pageFiles({ seenAfter: 0, limit: 100, words: [], scanLimit: 100 })
    expect(paged.files.map((entry) => entry.name)).toEqual([...names].sort(compareStrings))
    expect((await store.pageFiles({ seenAfter: 0, limit: 100, words: ['été', '[x]'], scanLimit: 100 })).files.map((entry) => entry.name)).toEqual(['ÉTÉ [x] -.txt'])
    await store.putPeer(peer('p2', { freeBytes: huge }), [])
    expect(await store.listRoomiestPeers({ at: T0, seenAfter: 0, exceptHoldersOf: 'x', limit: 1 })).toEqual([{ peer: peer('p2', { freeBytes: huge }), room: huge }])
    expect(await store.reserveUpload({ kind: 'upload', peerId: 'p2', name: 'big.bin', size: huge, placedAt: T0, started: false, expiresAt: T0 + 100 }, LIVE)).toBe('reserved')
    expect(await store.reserveUpload({ kind: 'upload', peerId: 'p2', name: 'one-more.bin', size: 1, placedAt: T0, started: false, expiresAt: T0 + 100 }, LIVE)).toBe('no-room')
    expect(await store.listPeerReservations('p2', T0)).toEqual([{ kind: 'upload', peerId: 'p2', name: 'big.bin', size: huge, placedAt: T0, started: false, expiresAt: T0 + 100 }])
    // A copy order made by a script copies the size from the catalog as written: still exact.
    await store.putPeer(peer('p3', { freeBytes: huge }), [])
    expect((await store.takeCopyOrders('p3', { at: T0, seenAfter: 0, replicationFactor: 2, expiresAt: T0 + 100, lookAhead: 1 })).map((f) => f.size)).toEqual([huge])
    expect((await store.listPeerReservations('p3', T0))[0]).toMatchObject({ kind: 'replica', size: huge })
  })

  it('registers the largest file list a peer may send, and re-registers a changed one', async () => {
    const store = await open()
    const files = (from: number): Array<{ name: string, size: number, sha256: string, announcedAt: number }> =>
      Array.from({ length: MAX_FILES_PER_PEER }, (_, i) => ({ name: `file-${from + i}.bin`, size: from + i, sha256: SHA, announcedAt: T0 }))
    const counts = async (): Promise<unknown> => await store.countDirectory({ at: T0, seenAfter: 0, replicationFactor: 2 })
    await store.putPeer(peer('p1'), files(0))
    await store.putPeer(peer('p2'), [{ name: 'file-0.bin', size: 0, sha256: SHA, announcedAt: T0 }])
    expect(await counts()).toMatchObject({ files: MAX_FILES_PER_PEER, underReplicated: MAX_FILES_PER_PEER - 1 })
    // The same peer again, its list shifted by one: file-0.bin is gone from it, file-100000.bin is new.
    await store.putPeer(peer('p1', { freeBytes: 5 }), files(1))
    expect((await store.pagePeers({ seenAfter: 0, limit: 10 })).map((p) => [p.peerId, p.fileCount, p.freeBytes])).toEqual([['p1', MAX_FILES_PER_PEER, 5], ['p2', 1, 1000]])
    expect(await holderIds(store, 'file-0.bin')).toEqual(['p2'])
    expect(await holderIds(store, 'file-1.bin')).toEqual(['p1'])
    expect(await store.getFile(`file-${MAX_FILES_PER_PEER}.bin`, LIVE)).toMatchObject({ size: MAX_FILES_PER_PEER, holders: [{ peerId: 'p1', announcedAt: T0 }] })
    expect(await counts()).toMatchObject({ files: MAX_FILES_PER_PEER + 1, underReplicated: MAX_FILES_PER_PEER + 1, lost: 0 })
  })

  it('never reserves more than a peer\'s free bytes when two replicas place at once', async () => {
    const replicaA = await open('race:')
    const replicaB = await open('race:')
    for (const id of ['p1', 'p2', 'p3']) await replicaA.putPeer(peer(id, { freeBytes: 1000 }), [])
    const attempts = Array.from({ length: 60 }, (_, i) => {
      const store = i % 2 === 0 ? replicaA : replicaB
      // Every file is tried on every peer by both replicas: each name must go to one upload only.
      return store.reserveUpload({ kind: 'upload', peerId: `p${(i % 3) + 1}`, name: `f${i % 20}.bin`, size: 150, placedAt: T0, started: false, expiresAt: T0 + 100 }, LIVE)
    })
    const outcomes = await Promise.all(attempts)
    const running = (await Promise.all(['p1', 'p2', 'p3'].map(async (id) => await replicaB.listPeerReservations(id, T0)))).flat()
    for (const id of ['p1', 'p2', 'p3']) {
      expect(running.filter((r) => r.peerId === id).reduce((sum, r) => sum + r.size, 0)).toBeLessThanOrEqual(1000)
    }
    expect(new Set(running.map((r) => r.name)).size).toBe(running.length)
    expect(outcomes.filter((outcome) => outcome === 'reserved')).toHaveLength(running.length)
    expect(running.length).toBeGreaterThanOrEqual(18)
    expect(await replicaA.countDirectory({ at: T0, seenAfter: 0, replicationFactor: 2 })).toMatchObject({ uploadsPlaced: running.length })
  })
})
