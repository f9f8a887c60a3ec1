// The replicator against real peers on loopback: a copy ordered by the central is fetched over gRPC,
// verified against the order's SHA-256 and stored; a dead source is skipped for the next one; bytes
// that do not match are never stored; content already on the disk is copied without the network.
import { Transform } from 'node:stream'
import type { ReplicationOrder } from '@p2p/proto'
import { afterEach, describe, expect, it } from 'vitest'
import { createPeerFilesClient } from '@p2p/proto/grpc'
import { createReplicator } from '../../src/central/replicator.js'
import { createActiveTransfers } from '../../src/grpc/active-transfers.js'
import { listDir, readStored, sha256, silentLogger, startTestPeer, storedContents, storedFile } from '../helpers.js'
import type { TestPeer } from '../helpers.js'
import path from 'node:path'

const content = Buffer.alloc(3 * 1024 * 1024 + 17, 'replica ')
/** Nothing listens on port 9 of loopback (discard): a peer that went away. */
const DEAD_ADDRESS = '127.0.0.1:9'

let peers: TestPeer[] = []
afterEach(async () => {
  await Promise.all(peers.map(async (peer) => { await peer.close() }))
  peers = []
})

async function start (...args: Parameters<typeof startTestPeer>): Promise<TestPeer> {
  const peer = await startTestPeer(...args)
  peers.push(peer)
  return peer
}

function orderFor (name: string, bytes: Buffer, sources: Array<{ peerId: string, grpcAddress: string }>): ReplicationOrder {
  // The test peers admit every transfer; the real ticket gate is tested on its own and end to end.
  return { name, size: bytes.length, sha256: sha256(bytes), sources, ticket: 'unchecked' }
}

describe('replicator', () => {
  it('copies a file from a source, byte for byte, and reports it in progress until then', async () => {
    const source = await start({ files: { 'movie.bin': content } })
    const target = await start()
    target.peer.replicator.accept([orderFor('movie.bin', content, [{ peerId: 'source', grpcAddress: source.address }])])
    expect(target.peer.replicator.inProgress()).toEqual(['movie.bin'])
    await target.peer.replicator.idle()
    expect(target.peer.replicator.inProgress()).toEqual([])
    expect((await readStored(target.dataDir, 'movie.bin')).equals(content)).toBe(true)
    expect(await target.store.get('movie.bin')).toEqual(storedFile('movie.bin', content))
  })

  it('moves on to the next source when one is unreachable', async () => {
    const source = await start({ files: { 'movie.bin': content } })
    const target = await start()
    target.peer.replicator.accept([orderFor('movie.bin', content, [
      { peerId: 'gone', grpcAddress: DEAD_ADDRESS },
      { peerId: 'source', grpcAddress: source.address }
    ])])
    await target.peer.replicator.idle()
    expect((await readStored(target.dataDir, 'movie.bin')).equals(content)).toBe(true)
  })

  it('stores nothing when the only source sends other bytes', async () => {
    // The source's disk flips one byte of every read: its piece hashes no longer match what it sends.
    const source = await start({
      files: { 'movie.bin': content },
      wrapStore: (store) => ({
        ...store,
        openRead: async (digest, offset, length) => (await store.openRead(digest, offset, length)).pipe(new Transform({
          transform (chunk: Buffer, _encoding, callback) {
            const bad = Buffer.from(chunk)
            bad[0] = (bad[0] ?? 0) ^ 0xff
            callback(null, bad)
          }
        }))
      })
    })
    const target = await start()
    target.peer.replicator.accept([orderFor('movie.bin', content, [{ peerId: 'source', grpcAddress: source.address }])])
    await target.peer.replicator.idle()
    expect(await target.store.get('movie.bin')).toBeNull()
    expect(await storedContents(target.dataDir)).toEqual([])
    expect(await listDir(path.join(target.dataDir, 'tmp'))).toEqual([])
  })

  it('copies content it already holds under another name from its own disk', async () => {
    const target = await start({ files: { 'original.bin': content } })
    target.peer.replicator.accept([orderFor('copy.bin', content, [{ peerId: 'gone', grpcAddress: DEAD_ADDRESS }])])
    await target.peer.replicator.idle()
    expect((await readStored(target.dataDir, 'copy.bin')).equals(content)).toBe(true)
    expect(await storedContents(target.dataDir)).toEqual([sha256(content)])
  })

  it('leaves alone a name it holds with other content', async () => {
    const other = Buffer.from('something else')
    const source = await start({ files: { 'movie.bin': content } })
    const target = await start({ files: { 'movie.bin': other } })
    target.peer.replicator.accept([orderFor('movie.bin', content, [{ peerId: 'source', grpcAddress: source.address }])])
    await target.peer.replicator.idle()
    expect((await readStored(target.dataDir, 'movie.bin')).equals(other)).toBe(true)
  })

  /** A replicator of its own over `target`'s store, for the options a test peer does not expose. */
  function replicatorOn (target: TestPeer, options: Partial<Parameters<typeof createReplicator>[0]> = {}): ReturnType<typeof createReplicator> {
    return createReplicator({
      store: target.store,
      announcer: { announce: async () => 'announced' as const },
      transfers: createActiveTransfers(),
      connect: createPeerFilesClient,
      peerId: 'target',
      logger: silentLogger,
      ...options
    })
  }

  it('paces copies through the copy rate, and pacing never counts as the source being idle', async () => {
    const source = await start({ files: { 'movie.bin': content } })
    const target = await start()
    let paced = 0
    // Each chunk waits longer than the idle timeout: a timer running while pacing would cancel the copy.
    // The timeout still leaves room for the call's first message, which waits for the connection.
    const replicator = replicatorOn(target, {
      idleTimeoutMs: 250,
      copyRate: { bytesPerSecond: null, take: async (bytes) => { paced += bytes; await new Promise((resolve) => setTimeout(resolve, 300)) } }
    })
    replicator.accept([orderFor('movie.bin', content, [{ peerId: 'source', grpcAddress: source.address }])])
    await replicator.idle()
    expect(paced).toBe(content.length)
    expect((await readStored(target.dataDir, 'movie.bin')).equals(content)).toBe(true)
  })

  it('gives up a source that goes idle and copies from the next', async () => {
    const stalled = await start({
      files: { 'movie.bin': content },
      wrapStore: (store) => ({
        ...store,
        // Never calls back: the read hangs, and so does the Download call.
        openRead: async (digest, offset, length) => (await store.openRead(digest, offset, length)).pipe(new Transform({ transform () {} }))
      })
    })
    const source = await start({ files: { 'movie.bin': content } })
    const target = await start()
    const replicator = replicatorOn(target, { idleTimeoutMs: 300 })
    replicator.accept([orderFor('movie.bin', content, [
      { peerId: 'stalled', grpcAddress: stalled.address },
      { peerId: 'source', grpcAddress: source.address }
    ])])
    await replicator.idle()
    expect((await readStored(target.dataDir, 'movie.bin')).equals(content)).toBe(true)
  })

  it('abandons the copy of a name deleted from the network, and only that one', async () => {
    const stalled = await start({
      files: { 'deleted.bin': content },
      wrapStore: (store) => ({
        ...store,
        // Never calls back: the copy stays under way until it is abandoned.
        openRead: async (digest, offset, length) => (await store.openRead(digest, offset, length)).pipe(new Transform({ transform () {} }))
      })
    })
    const source = await start({ files: { 'kept.bin': content } })
    const target = await start()
    target.peer.replicator.accept([
      orderFor('deleted.bin', content, [{ peerId: 'stalled', grpcAddress: stalled.address }]),
      orderFor('kept.bin', content, [{ peerId: 'source', grpcAddress: source.address }])
    ])
    target.peer.replicator.abandon('deleted.bin')
    target.peer.replicator.abandon('never ordered.bin')
    await target.peer.replicator.idle()
    expect(await target.store.get('deleted.bin')).toBeNull()
    expect((await readStored(target.dataDir, 'kept.bin')).equals(content)).toBe(true)
  })

  it('takes no order once closed', async () => {
    const source = await start({ files: { 'movie.bin': content } })
    const target = await start()
    target.peer.replicator.close()
    target.peer.replicator.accept([orderFor('movie.bin', content, [{ peerId: 'source', grpcAddress: source.address }])])
    expect(target.peer.replicator.inProgress()).toEqual([])
    await target.peer.replicator.idle()
    expect(await target.store.get('movie.bin')).toBeNull()
  })
})
