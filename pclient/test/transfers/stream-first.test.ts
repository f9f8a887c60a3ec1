// Downloads from several holders that stream from the first one (in-process pservers on loopback):
// it serves alone while it keeps up, the others join when it is the bottleneck (a capped sender, a
// busy disk with CPU to spare, a first piece slow to come), and take over the rest when it fails.
import { randomBytes } from 'node:crypto'
import { Transform } from 'node:stream'
import type { Readable } from 'node:stream'
import { PIECE_BYTES } from '@p2p/proto'
import { createPeerFilesClient } from '@p2p/proto/grpc'
import { describe, expect, it } from 'vitest'
import type { TestPeer } from '@p2p/test-support/pserver'
import type { CpuHeadroom } from '../../src/transfers/cpu-headroom.js'
import { createDownloadTracker } from '../../src/transfers/download-tracker.js'
import type { DownloadTracker } from '../../src/transfers/download-tracker.js'
import { openDownload } from '../../src/transfers/download.js'
import type { TransferLog } from '../../src/transfers/peer-connector.js'
import { BUSY, SPARE, corruptingPiece, piecesBy, readAll, realHolders, slowDisk } from '../helpers/real-holders.js'

/** Six pieces, the last one short. */
const content = randomBytes(5 * PIECE_BYTES + 12_345)
const { holder, viewOf } = realHolders(content)

/**
 * Downloads `bytes` (default: the six-piece content) from `holders` with the CPU headroom given, read
 * through `read` when given (a slow reader); the bytes must arrive intact. Where the pieces came from.
 */
async function downloadFrom (holders: TestPeer[], headroom: () => CpuHeadroom, options: { bytes?: Buffer, read?: (body: Readable) => Readable, log?: TransferLog } = {}):
Promise<{ pieces: Record<string, number>, tracker: DownloadTracker }> {
  const bytes = options.bytes ?? content
  const tracker = createDownloadTracker()
  const view = viewOf(holders, bytes)
  const opened = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient, tracker, cpuHeadroom: () => headroom, ...(options.log != null ? { log: options.log } : {}) }, view)
  const { data, error } = await readAll(options.read?.(opened.body) ?? opened.body)
  expect(error).toBeNull()
  expect(data.equals(bytes)).toBe(true)
  return { pieces: piecesBy(tracker), tracker }
}

describe('streaming from the first holder first', () => {
  it('keeps to the first holder while this machine has no CPU to spare, however the reader waits', async () => {
    const slow = { wrapStore: slowDisk(4 * PIECE_BYTES) }
    const holders = [await holder(slow), await holder(), await holder()]
    const { pieces } = await downloadFrom(holders, BUSY)
    expect(pieces).toEqual({ 'holder-1': 6 })
  })

  it('keeps to the first holder while the reader is slower than it, even with CPU to spare', async () => {
    const holders = [await holder(), await holder()]
    // A reader that takes 40 ms per chunk: its buffer stays full, the holder waits on it.
    const read = (body: Readable): Readable => body.pipe(new Transform({
      highWaterMark: 64 * 1024,
      transform (chunk: Buffer, _encoding, callback) { setTimeout(() => { callback(null, chunk) }, 40) }
    }))
    const { pieces } = await downloadFrom(holders, SPARE, { read })
    expect(pieces).toEqual({ 'holder-1': 6 })
  })

  it('has the others fetch the rest when the first sends a bad piece midway, and the whole file still checks out', async () => {
    const holders = [await holder({ wrapStore: corruptingPiece(3) }), await holder()]
    const { pieces, tracker } = await downloadFrom(holders, BUSY)
    expect(pieces).toEqual({ 'holder-1': 3, 'holder-2': 3 })
    expect(tracker.list()[0]?.sources[0]).toMatchObject({ state: 'failed', reason: expect.stringMatching(/piece 3/) })
  })

  it('spreads before the first piece when the first holder tells a send cap, even with no CPU to spare', async () => {
    // 8 MiB/s: half a second a piece.
    const capped = { sendBytesPerSecond: 8 * 1024 * 1024 }
    const holders = [await holder(capped), await holder(capped), await holder(capped)]
    const spreads: Array<{ piece?: number, why?: string, reason?: string }> = []
    const log: TransferLog = { debug: () => {}, warn: () => {}, info: (fields: object) => { spreads.push(fields) } }
    const { pieces } = await downloadFrom(holders, BUSY, { log })
    // Left at piece 0, on the cap told in the answer's first headers: the six pieces shared by three
    // holders, none of which takes them all.
    expect(spreads).toContainEqual(expect.objectContaining({ why: 'spread', piece: 0, reason: 'the holder sends at most 8192 KiB/s' }))
    expect(Object.values(pieces).reduce((sum, count) => sum + count, 0)).toBe(6)
    expect(Object.keys(pieces).length).toBeGreaterThanOrEqual(2)
    expect(Math.max(...Object.values(pieces))).toBeLessThanOrEqual(4)
  })

  it('keeps to a first holder that tells no cap and keeps up, while capped holders wait', async () => {
    const holders = [await holder(), await holder({ sendBytesPerSecond: 8 * 1024 * 1024 })]
    const { pieces } = await downloadFrom(holders, BUSY)
    expect(pieces).toEqual({ 'holder-1': 6 })
  })

  it('spreads when the first holder becomes slow midway, which then serves fewer of the remaining pieces', async () => {
    // Twelve pieces; the first holder's disk turns slow (a second a piece) after three.
    const longer = randomBytes(12 * PIECE_BYTES)
    const holders = [await holder({ wrapStore: slowDisk(PIECE_BYTES, 3 * PIECE_BYTES) }, longer), await holder({}, longer)]
    const { pieces } = await downloadFrom(holders, SPARE, { bytes: longer })
    expect(pieces['holder-1']).toBeGreaterThanOrEqual(3)
    // Of the nine pieces after the slowdown, the first holder serves fewer than the other.
    expect(pieces['holder-1']! - 3).toBeLessThan(pieces['holder-2'] ?? 0)
  })

  it('spreads at once when the first piece is slow to come', async () => {
    // A piece in four seconds: the first would come long after FIRST_PIECE_SPREAD_MS.
    const holders = [await holder({ wrapStore: slowDisk(PIECE_BYTES / 4) }), await holder()]
    const { pieces } = await downloadFrom(holders, BUSY)
    expect(pieces['holder-2']).toBeGreaterThanOrEqual(1)
  })
})
