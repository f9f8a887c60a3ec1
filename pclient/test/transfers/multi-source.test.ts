// Multi-source downloads against real pservers (in-process, on loopback): pieces come from every
// holder, a holder that sends a bad piece or goes away mid-download is dropped and its pieces fetched
// from the others, and when no holder is left the stream errors instead of ending short.
import { randomBytes } from 'node:crypto'
import { PIECE_BYTES } from '@p2p/proto'
import { createPeerFilesClient } from '@p2p/proto/grpc'
import { describe, expect, it } from 'vitest'
import { waitFor } from '@p2p/test-support'
import { createDownloadTracker } from '../../src/transfers/download-tracker.js'
import { openDownload } from '../../src/transfers/download.js'
import { DEAD_ADDRESS, NAME, SPARE, corruptingPiece, readAll, realHolders, slowDisk, stalling } from '../helpers/real-holders.js'

/** Six pieces, the last one short. */
const content = randomBytes(5 * PIECE_BYTES + 12_345)
const { holder, viewOf } = realHolders(content)

describe('multi-source download', () => {
  it('takes pieces from the other holders when the first is slower than the reader, and delivers the file byte for byte', async () => {
    // About 250 ms a piece from each: the reader waits on the first holder, and the others pay.
    const slow = { wrapStore: slowDisk(4 * PIECE_BYTES) }
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
