// Multi-source downloads against real pservers (in-process, on loopback): pieces come from every
// holder, a holder that sends a bad piece or goes away mid-download is dropped and its pieces fetched
// from the others, and when no holder is left the stream errors instead of ending short.
import { randomBytes } from 'node:crypto'
import { Transform } from 'node:stream'
import type { Readable } from 'node:stream'
import { PIECE_BYTES, createPeerFilesClient } from '@p2p/proto'
import type { LocatedFile } from '@p2p/proto'
import { afterEach, describe, expect, it } from 'vitest'
import { waitFor } from '@p2p/test-support'
import { startTestPeer } from '@p2p/test-support/pserver'
import type { TestPeer, TestPeerOptions } from '@p2p/test-support/pserver'
import type { CpuHeadroom } from '../../src/transfers/cpu-headroom.js'
import { createDownloadTracker } from '../../src/transfers/download-tracker.js'
import { openDownload } from '../../src/transfers/download.js'
import { sha256Hex } from '../helpers/fake-peer.js'

const NAME = 'movie.bin'
/** Six pieces, the last one short. */
const content = randomBytes(5 * PIECE_BYTES + 12_345)

let peers: TestPeer[] = []
afterEach(async () => {
  await Promise.all(peers.map(async (peer) => { await peer.close() }))
  peers = []
})

async function holder (options: TestPeerOptions = {}, bytes = content): Promise<TestPeer> {
  const peer = await startTestPeer({ files: { [NAME]: bytes }, ...options })
  peers.push(peer)
  return peer
}

/** A disk that flips one byte of piece `piece`: the holder's piece hashes no longer match what it sends. */
function corruptingPiece (piece: number): TestPeerOptions['wrapStore'] {
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
const stalling: TestPeerOptions['wrapStore'] = (store) => ({
  ...store,
  openRead: async (digest, offset, length) => (await store.openRead(digest, offset, length)).pipe(new Transform({
    // Never calls back: the read hangs, and so does the Download call.
    transform () {}
  }))
})

/** A disk that reads at most `bytesPerSecond` (a busy disk): a holder slower than the reader. */
function slowDisk (bytesPerSecond: number): TestPeerOptions['wrapStore'] {
  return (store) => ({
    ...store,
    openRead: async (digest, offset, length) => (await store.openRead(digest, offset, length)).pipe(new Transform({
      transform (chunk: Buffer, _encoding, callback) { setTimeout(() => { callback(null, chunk) }, (1000 * chunk.length) / bytesPerSecond) }
    }))
  })
}

/** The CPU as the download sees it: room to spare (the holders set the pace) or spent (the CPU does). */
const SPARE = (): CpuHeadroom => ({ spareCores: 2, loopBusy: 0.1 })
const BUSY = (): CpuHeadroom => ({ spareCores: 0, loopBusy: 1 })

/** Nothing listens on port 9 of loopback (discard): a holder that died after the central listed it. */
const DEAD_ADDRESS = '127.0.0.1:9'

function viewOf (holders: Array<TestPeer | string>, bytes = content): LocatedFile {
  return {
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
  }
}

async function readAll (stream: Readable): Promise<{ data: Buffer, error: unknown }> {
  const chunks: Buffer[] = []
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer)
    return { data: Buffer.concat(chunks), error: null }
  } catch (err) {
    return { data: Buffer.concat(chunks), error: err }
  }
}

describe('multi-source download', () => {
  it('takes pieces from the other holders when the first is slower than the reader, and delivers the file byte for byte', async () => {
    // About 250 ms a piece from each: the reader waits on the first holder, and the others pay.
    const slow = { wrapStore: slowDisk(16 * 1024 * 1024) }
    const holders = [await holder(slow), await holder(slow), await holder(slow)]
    const tracker = createDownloadTracker()
    const view = viewOf(holders)
    const opened = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient, tracker, cpuHeadroom: () => SPARE }, view)
    expect(opened.sources.map((source) => source.peerId)).toEqual(['holder-1', 'holder-2', 'holder-3'])
    const { data, error } = await readAll(opened.body)
    expect(error).toBeNull()
    expect(data.equals(content)).toBe(true)
    const [record] = tracker.list()
    expect(record).toMatchObject({ name: NAME, state: 'done', bytesSent: content.length })
    const served = (record?.sources ?? []).filter((source) => source.pieces > 0).map((source) => source.peerId)
    expect(served).toContain('holder-1')
    expect(served.length).toBeGreaterThanOrEqual(2)
    expect(record?.sources.reduce((sum, source) => sum + source.pieces, 0)).toBe(6)
  })

  it('fetches a corrupted piece again from another holder and drops the bad one', async () => {
    const holders = [await holder({ wrapStore: corruptingPiece(0) }), await holder(), await holder()]
    const tracker = createDownloadTracker()
    const view = viewOf(holders)
    const opened = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient, tracker }, view)
    const { data, error } = await readAll(opened.body)
    expect(error).toBeNull()
    expect(data.equals(content)).toBe(true)
    const bad = tracker.list()[0]?.sources.find((source) => source.peerId === 'holder-1')
    expect(bad).toMatchObject({ state: 'failed', reason: expect.stringMatching(/holder-1.*piece 0.*wrong SHA-256/) })
  })

  it('moves the pieces of a holder that goes away mid-download to the others', async () => {
    const holders = [await holder(), await holder()]
    const view = viewOf(holders)
    const opened = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient}, view)
    const chunks: Buffer[] = []
    let closed = false
    for await (const chunk of opened.body) {
      chunks.push(chunk as Buffer)
      // Once the first piece is here, the first holder shuts down with its pieces in flight or queued.
      if (!closed) {
        closed = true
        await holders[0]?.peer.close()
      }
    }
    expect(Buffer.concat(chunks).equals(content)).toBe(true)
  })

  it('delivers an exact range spanning pieces from several holders', async () => {
    const holders = [await holder(), await holder()]
    const view = viewOf(holders)
    const range = { start: PIECE_BYTES - 7, end: 3 * PIECE_BYTES + 9 }
    const opened = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient }, view, { range })
    const { data, error } = await readAll(opened.body)
    expect(error).toBeNull()
    expect(data.equals(content.subarray(range.start, range.end))).toBe(true)
  })

  it('errors, never ends short, when every holder sends a bad piece', async () => {
    const holders = [await holder({ wrapStore: corruptingPiece(2) }), await holder({ wrapStore: corruptingPiece(2) })]
    const tracker = createDownloadTracker()
    const view = viewOf(holders)
    const opened = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient, tracker }, view)
    const { data, error } = await readAll(opened.body)
    expect(error).toMatchObject({ code: 'PCLIENT_DATA_LOSS', message: expect.stringMatching(/no holder of 'movie.bin' delivered piece 2 intact/) })
    // Pieces 0 and 1 at most: nothing from piece 2 on was handed on.
    expect(data.length).toBeLessThanOrEqual(2 * PIECE_BYTES)
    expect(data.equals(content.subarray(0, data.length))).toBe(true)
    expect(tracker.list()[0]).toMatchObject({ state: 'failed' })
  })

  it('fails before the first byte when no holder can start', async () => {
    const holders = [await holder({ wrapStore: corruptingPiece(0) }), await holder({ wrapStore: corruptingPiece(0) })]
    const view = viewOf(holders)
    await expect(openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient }, view))
      .rejects.toMatchObject({ code: 'PCLIENT_DATA_LOSS' })
  })

  it('starts from the next holders when the first one is gone', async () => {
    const holders = [await holder(), await holder()]
    const tracker = createDownloadTracker()
    const view = viewOf([DEAD_ADDRESS, ...holders])
    const opened = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient, tracker }, view)
    const { data, error } = await readAll(opened.body)
    expect(error).toBeNull()
    expect(data.equals(content)).toBe(true)
    expect(opened.sources.map((source) => source.peerId)).toEqual(['holder-2', 'holder-3'])
    expect(tracker.list()[0]?.sources.find((source) => source.peerId === 'holder-1')).toMatchObject({ state: 'failed' })
  })

  it('is not held up by a holder that stalls: the late piece is fetched from another one too', async () => {
    // More pieces than the window holds, so the stalled pieces block it mid-file, not only at the end.
    // With the default 30 s piece timeout, waiting for the stalled holder would outlast this test.
    const longer = randomBytes(14 * PIECE_BYTES)
    const holders = [await holder({ wrapStore: stalling }, longer), await holder({}, longer)]
    const view = viewOf(holders, longer)
    const opened = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient }, view)
    const { data, error } = await readAll(opened.body)
    expect(error).toBeNull()
    expect(data.equals(longer)).toBe(true)
  })

  it('cancels every call when the reader goes away, and records the download as failed', async () => {
    const holders = [await holder(), await holder()]
    const tracker = createDownloadTracker()
    const view = viewOf(holders)
    const opened = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient, tracker }, view)
    opened.body.destroy()
    await waitFor('every holder to stop sending', () => holders.every((peer) => peer.peer.transfers.count() === 0))
    expect(tracker.list()[0]).toMatchObject({ state: 'failed', error: 'the download was cancelled' })
  })
})

describe('streaming from the first holder first', () => {
  const piecesBy = (tracker: ReturnType<typeof createDownloadTracker>): Record<string, number> =>
    Object.fromEntries((tracker.list()[0]?.sources ?? []).map((source) => [source.peerId, source.pieces]))

  it('keeps to the first holder while this machine has no CPU to spare, however the reader waits', async () => {
    const slow = { wrapStore: slowDisk(16 * 1024 * 1024) }
    const holders = [await holder(slow), await holder(), await holder()]
    const tracker = createDownloadTracker()
    const view = viewOf(holders)
    const opened = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient, tracker, cpuHeadroom: () => BUSY }, view)
    const { data, error } = await readAll(opened.body)
    expect(error).toBeNull()
    expect(data.equals(content)).toBe(true)
    expect(piecesBy(tracker)).toEqual({ 'holder-1': 6 })
  })

  it('keeps to the first holder while the reader is slower than it, even with CPU to spare', async () => {
    const holders = [await holder(), await holder()]
    const tracker = createDownloadTracker()
    const view = viewOf(holders)
    const opened = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient, tracker, cpuHeadroom: () => SPARE }, view)
    // A reader that takes 40 ms per chunk: its buffer stays full, the holder waits on it.
    const slowReader = opened.body.pipe(new Transform({
      highWaterMark: 64 * 1024,
      transform (chunk: Buffer, _encoding, callback) { setTimeout(() => { callback(null, chunk) }, 40) }
    }))
    const { data, error } = await readAll(slowReader)
    expect(error).toBeNull()
    expect(data.equals(content)).toBe(true)
    expect(piecesBy(tracker)).toEqual({ 'holder-1': 6 })
  })

  it('has the others fetch the rest when the first sends a bad piece midway, and the whole file still checks out', async () => {
    const holders = [await holder({ wrapStore: corruptingPiece(3) }), await holder()]
    const tracker = createDownloadTracker()
    const view = viewOf(holders)
    const opened = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient, tracker, cpuHeadroom: () => BUSY }, view)
    const { data, error } = await readAll(opened.body)
    expect(error).toBeNull()
    expect(data.equals(content)).toBe(true)
    expect(piecesBy(tracker)).toEqual({ 'holder-1': 3, 'holder-2': 3 })
    expect(tracker.list()[0]?.sources[0]).toMatchObject({ state: 'failed', reason: expect.stringMatching(/piece 3/) })
  })

  it('spreads when the first holder sends at the cap it told, even with no CPU to spare', async () => {
    // 8 MiB/s: half a second a piece.
    const capped = { sendBytesPerSecond: 8 * 1024 * 1024 }
    const holders = [await holder(capped), await holder(capped), await holder(capped)]
    const tracker = createDownloadTracker()
    const view = viewOf(holders)
    const opened = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient, tracker, cpuHeadroom: () => BUSY }, view)
    const { data, error } = await readAll(opened.body)
    expect(error).toBeNull()
    expect(data.equals(content)).toBe(true)
    const pieces = piecesBy(tracker)
    expect(pieces['holder-1']).toBeGreaterThanOrEqual(3)
    expect((pieces['holder-2'] ?? 0) + (pieces['holder-3'] ?? 0)).toBeGreaterThanOrEqual(1)
  })

  it('spreads at once when the first piece is slow to come', async () => {
    // 4 MiB at 1 MiB/s: the first piece would take 4 s.
    const holders = [await holder({ wrapStore: slowDisk(1024 * 1024) }), await holder()]
    const tracker = createDownloadTracker()
    const view = viewOf(holders)
    const opened = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient, tracker, cpuHeadroom: () => BUSY }, view)
    const { data, error } = await readAll(opened.body)
    expect(error).toBeNull()
    expect(data.equals(content)).toBe(true)
    expect(piecesBy(tracker)['holder-2']).toBeGreaterThanOrEqual(1)
  })
})
