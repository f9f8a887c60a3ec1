// Real pservers (in-process, on loopback) holding one file, for download tests: disks that corrupt a
// piece, stall or read slowly, the central's view of the holders, CPU headroom as a download sees it,
// and a reader that collects what a body delivers (and how it ended).
import { Transform } from 'node:stream'
import type { Readable } from 'node:stream'
import { PIECE_BYTES } from '@p2p/proto'
import type { LocatedFile } from '@p2p/proto'
import { afterEach } from 'vitest'
import { startTestPeer } from '@p2p/test-support/pserver'
import type { TestPeer, TestPeerOptions } from '@p2p/test-support/pserver'
import type { CpuHeadroom } from '../../src/transfers/cpu-headroom.js'
import type { DownloadTracker } from '../../src/transfers/download-tracker.js'
import { sha256Hex } from './fake-peer.js'

export const NAME = 'movie.bin'

/** The CPU as a download sees it: room to spare (the holders set the pace) or spent (the CPU does). */
export const SPARE = (): CpuHeadroom => ({ spareCores: 2, loopBusy: 0.1 })
export const BUSY = (): CpuHeadroom => ({ spareCores: 0, loopBusy: 1 })

/** Nothing listens on port 9 of loopback (discard): a holder that died after the central listed it. */
export const DEAD_ADDRESS = '127.0.0.1:9'

/**
 * Holders of `content` started by `holder()` (closed after each test), and `viewOf()`, what the central
 * would answer for them. Call at the top of a test file: it registers the afterEach.
 */
export function realHolders (content: Buffer): {
  holder: (options?: TestPeerOptions, bytes?: Buffer) => Promise<TestPeer>
  viewOf: (holders: Array<TestPeer | string>, bytes?: Buffer) => LocatedFile
} {
  let peers: TestPeer[] = []
  afterEach(async () => {
    await Promise.all(peers.map(async (peer) => { await peer.close() }))
    peers = []
  })
  return {
    async holder (options = {}, bytes = content) {
      const peer = await startTestPeer({ files: { [NAME]: bytes }, ...options })
      peers.push(peer)
      return peer
    },
    viewOf: (holders, bytes = content) => ({
      name: NAME,
      size: bytes.length,
      sha256: sha256Hex(bytes),
      addedAt: new Date().toISOString(),
      holders: holders.map((peer, index) => ({
        peerId: `holder-${index + 1}`, grpcAddress: typeof peer === 'string' ? peer : peer.address, freeBytes: 0, activeTransfers: 0
      })),
      replicas: holders.length,
      status: 'ok',
      ticket: 'unchecked'
    })
  }
}

/** A disk that flips one byte of piece `piece`: the holder's piece hashes no longer match what it sends. */
export function corruptingPiece (piece: number): TestPeerOptions['wrapStore'] {
  return (store) => ({
    ...store,
    openRead: async (digest, offset, length) => {
      const stream = await store.openRead(digest, offset, length)
      let position = offset
      const target = piece * PIECE_BYTES + 100
      return stream.pipe(new Transform({
        transform (chunk: Buffer, _encoding, callback) {
          const out = target >= position && target < position + chunk.length ? Buffer.from(chunk) : chunk
          if (out !== chunk) out[target - position] = (out[target - position] ?? 0) ^ 0xff
          position += chunk.length
          callback(null, out)
        }
      }))
    }
  })
}

/** A disk that never delivers: a holder that stalls without failing. */
export const stalling: TestPeerOptions['wrapStore'] = (store) => ({
  ...store,
  openRead: async (digest, offset, length) => (await store.openRead(digest, offset, length)).pipe(new Transform({
    // Never calls back: the read hangs, and so does the Download call.
    transform () {}
  }))
})

/**
 * A disk that reads at most `bytesPerSecond` (a busy disk): a holder slower than the reader. From
 * file offset `from` on only (default 0): a disk that becomes busy midway.
 */
export function slowDisk (bytesPerSecond: number, from = 0): TestPeerOptions['wrapStore'] {
  return (store) => ({
    ...store,
    openRead: async (digest, offset, length) => {
      let position = offset
      return (await store.openRead(digest, offset, length)).pipe(new Transform({
        transform (chunk: Buffer, _encoding, callback) {
          position += chunk.length
          if (position <= from) callback(null, chunk)
          else setTimeout(() => { callback(null, chunk) }, (1000 * chunk.length) / bytesPerSecond)
        }
      }))
    }
  })
}

export async function readAll (stream: Readable): Promise<{ data: Buffer, error: unknown }> {
  const chunks: Buffer[] = []
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer)
    return { data: Buffer.concat(chunks), error: null }
  } catch (err) {
    return { data: Buffer.concat(chunks), error: err }
  }
}

/** The pieces each holder delivered to the tracker's latest download. */
export function piecesBy (tracker: DownloadTracker): Record<string, number> {
  return Object.fromEntries((tracker.list()[0]?.sources ?? []).map((source) => [source.peerId, source.pieces]))
}
