// The Redis store answers exactly as the memory store does, beyond the contract's cases: the same long
// random run of every operation (registrations, heartbeats, announces, leaves and expiries, placements,
// claims, copy orders, listings, counts) goes to both, and every answer must be equal. Holders and a
// peer's reservations come in no particular order, so they are sorted before comparing.
import { MAX_REPLICATIONS_PER_PEER } from '@p2p/proto'
import { describeWithRedis, silentLogger, startRedisServer } from '@p2p/test-support'
import type { TestRedisServer } from '@p2p/test-support'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { compareStrings } from '../../src/store/compare-strings.js'
import type { DirectoryStore, FileRecord, PeerRecord } from '../../src/store/directory-store.js'
import { createMemoryDirectoryStore } from '../../src/store/memory/index.js'
import { createRedisDirectoryStore } from '../../src/store/redis/index.js'

const T0 = Date.UTC(2026, 0, 1)
const PEERS = ['a', 'b', 'c', 'd', 'e', 'copies', 'expiry']
const NAMES = ['x.bin', 'Y.bin', 'z z.txt', 'été.doc', 'ｆ.txt', '😀.bin', 'big.iso']
const SHAS = ['a'.repeat(64), 'b'.repeat(64)]
/** Piece table digests a holding may carry (or none): the catalog keeps the one its content came with. */
const PIECES = ['1'.repeat(64), '2'.repeat(64)]
const STEPS = 3000

/** A small deterministic generator, so a failure repeats. */
function random (seed: number): { int: (below: number) => number, pick: <T>(list: readonly T[]) => T } {
  let state = seed
  const int = (below: number): number => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return Math.floor((state / 2_147_483_648) * below)
  }
  return { int, pick: (list) => list[int(list.length)] as (typeof list)[number] }
}

function sortedFile (file: FileRecord | null): FileRecord | null {
  return file == null ? null : { ...file, holders: [...file.holders].sort((a, b) => compareStrings(a.peerId, b.peerId)) }
}

type Step = (store: DirectoryStore) => Promise<unknown>

/** One random operation at time `now` (every random draw made here, not in the run), and a label for failures. */
function randomStep (r: ReturnType<typeof random>, now: number): [string, Step] {
  const peerId = r.pick(PEERS)
  const name = r.pick(NAMES)
  const sha256 = r.pick(SHAS)
  const size = name === 'big.iso' ? 700 : 10 + r.int(3)
  const seenAfter = now - 300
  const liveness = { seenAfter }
  const pieces = (): { piecesSha256?: string } => r.int(3) === 0 ? {} : { piecesSha256: r.pick(PIECES) }
  const peer = (): PeerRecord => ({ peerId, grpcAddress: `${peerId}:1`, capacityBytes: 2000, freeBytes: 200 + r.int(1000), activeTransfers: r.int(3), registeredAt: now, lastSeenAt: now - r.int(400) })
  switch (r.int(16)) {
    case 0: {
      const record = peer()
      const files = NAMES.filter(() => r.int(3) === 0).map((file) => ({ name: file, size: file === 'big.iso' ? 700 : 10 + r.int(3), sha256: r.pick(SHAS), ...pieces(), announcedAt: now - r.int(50) }))
      return [`putPeer ${peerId}`, async (store) => { await store.putPeer(record, files) }]
    }
    case 1: {
      const status = { freeBytes: 100 + r.int(1000), activeTransfers: r.int(3), lastSeenAt: now }
      return [`updatePeer ${peerId}`, async (store) => await store.updatePeer(peerId, status)]
    }
    case 2: {
      const options = r.int(2) === 0 ? {} : { notSeenAfter: seenAfter }
      return [`removePeer ${peerId} ${JSON.stringify(options)}`, async (store) => await store.removePeer(peerId, options)]
    }
    case 3: {
      const status = { freeBytes: 100 + r.int(1000), lastSeenAt: now }
      const digest = pieces()
      return [`addHolding ${peerId} ${name}`, async (store) => await store.addHolding({ peerId, name, size, sha256, ...digest, announcedAt: now }, status, liveness)]
    }
    case 4: {
      const kind = r.int(2) === 0 ? 'upload' : 'replica'
      const expiresAt = now + r.int(200)
      const flag = r.int(2) === 0
      return [`addReservation ${kind} ${peerId} ${name}`, async (store) => {
        await store.addReservation(kind === 'upload'
          ? { kind, peerId, name, size, expiresAt, placedAt: now, started: flag }
          : { kind, peerId, name, size, expiresAt, sha256, delivered: flag })
      }]
    }
    case 5: return [`reserveUpload ${peerId} ${name}`, async (store) => await store.reserveUpload({ kind: 'upload', peerId, name, size, placedAt: now, started: false, expiresAt: now + 150 }, liveness)]
    case 6: {
      const receiving = NAMES.filter(() => r.int(2) === 0)
      return [`renewUploadClaims ${peerId}`, async (store) => { await store.renewUploadClaims(peerId, receiving, { at: now, expiresAt: now + 100, forgetPlacedBefore: now - 40 }) }]
    }
    case 7: return [`removeReservation ${peerId} ${name}`, async (store) => { await store.removeReservation(peerId, name) }]
    case 8:
    case 9: {
      const order = { at: now, seenAfter, replicationFactor: 2 + r.int(2), expiresAt: now + 200, lookAhead: 1 + r.int(6) }
      return [`takeCopyOrders ${peerId}`, async (store) => (await store.takeCopyOrders(peerId, order)).map(sortedFile)]
    }
    case 10: {
      const limit = 1 + r.int(4)
      return [`listRoomiestPeers ${name}`, async (store) => await store.listRoomiestPeers({ at: now, seenAfter, exceptHoldersOf: name, limit })]
    }
    case 11: {
      const page = { seenAfter, limit: 1 + r.int(4), scanLimit: 1 + r.int(6), words: r.int(2) === 0 ? [] : [r.pick(['.', 'bin', 'y', 'été', 'z z'])], ...(r.int(2) === 0 ? {} : { after: r.pick(NAMES) }) }
      return [`pageFiles ${JSON.stringify(page)}`, async (store) => {
        const found = await store.pageFiles(page)
        return { ...found, files: found.files.map(sortedFile) }
      }]
    }
    case 12: {
      const min = r.int(3)
      const query = { min, max: min + r.int(3), seenAfter, limit: 1 + r.int(5) }
      return [`listFilesByCopies ${JSON.stringify(query)}`, async (store) => (await store.listFilesByCopies(query)).map(sortedFile)]
    }
    case 13: return [`countDirectory`, async (store) => await store.countDirectory({ at: now, seenAfter, replicationFactor: 2 })]
    case 14: {
      const page = { seenAfter, limit: 1 + r.int(4), ...(r.int(2) === 0 ? {} : { after: r.pick(PEERS) }) }
      return [`pagePeers ${JSON.stringify(page)}`, async (store) => await store.pagePeers(page)]
    }
    default: return [`reads ${peerId} ${name}`, async (store) => ({
      file: sortedFile(await store.getFile(name, liveness)),
      peer: await store.getPeer(peerId),
      reservations: (await store.listPeerReservations(peerId, now)).sort((a, b) => compareStrings(a.name, b.name)),
      expired: (await store.listPeerIdsNotSeenAfter(seenAfter)).sort(compareStrings)
    })]
  }
}

describeWithRedis('the Redis store matches the memory store', () => {
  let redis: TestRedisServer
  beforeAll(async () => { redis = await startRedisServer() })
  afterAll(async () => { await redis.close() })

  it(`answers ${STEPS} random operations exactly as the memory store does`, async () => {
    expect(MAX_REPLICATIONS_PER_PEER).toBe(2)
    const memory = createMemoryDirectoryStore()
    const store = createRedisDirectoryStore({ url: redis.url, keyPrefix: 'matches:', log: silentLogger })
    expect(await store.waitUntilReady(5000)).toBe(true)
    const r = random(2026)
    try {
      for (let step = 0; step < STEPS; step++) {
        const [label, run] = randomStep(r, T0 + step * 5)
        const expected = await run(memory)
        expect(await run(store), `step ${step}: ${label}`).toEqual(expected)
      }
    } finally {
      await store.close()
    }
  }, 60_000)
})
