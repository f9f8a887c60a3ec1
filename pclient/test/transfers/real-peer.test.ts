// The transfer modules against a real pserver (in-process, on 127.0.0.1:0, over a temporary DATA_DIR),
// so the upload end message, GetFileInfo and ranged Downloads are checked against the implementation
// rather than against this package's fake. The fake peer stays for what a real pserver cannot be made
// to do (corrupted bytes behind honest piece hashes, lying descriptions, stalls).
import { randomBytes } from 'node:crypto'
import { PassThrough, Readable } from 'node:stream'
import { PIECE_BYTES } from '@p2p/proto'
import { createPeerFilesClient } from '@p2p/proto/grpc'
import type { FileView, Placement, PlacementBody } from '@p2p/proto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTestPeer } from '@p2p/test-support/pserver'
import type { TestPeer } from '@p2p/test-support/pserver'
import { openDownload } from '../../src/transfers/download.js'
import { uploadFile } from '../../src/transfers/upload.js'
import { waitFor } from '../helpers/closed-port.js'
import { sha256Hex } from '../helpers/fake-peer.js'

async function readAll (stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

describe('transfers against a real pserver', () => {
  let peer: TestPeer
  let address: string
  const central = {
    place: async (body: PlacementBody): Promise<Placement> => ({ ...body, peerId: 'peer-test', grpcAddress: address })
  }
  const viewOf = (name: string, content: Buffer): FileView => ({
    name, size: content.length, sha256: sha256Hex(content), addedAt: new Date().toISOString(),
    holders: [{ peerId: 'peer-test', grpcAddress: address, freeBytes: 0, activeTransfers: 0 }],
    replicas: 1,
    status: 'under-replicated'
  })

  beforeEach(async () => {
    peer = await startTestPeer()
    // The test peer exposes a client, not its address; the client's target is that address.
    address = peer.client.getChannel().getTarget().replace(/^(dns|ipv4):(\/\/\/)?/, '')
  })
  afterEach(async () => { await peer.close() })

  it('uploads with an end message, then downloads the whole file and a range spanning pieces, verified', async () => {
    const content = randomBytes(PIECE_BYTES + 300_000)
    const result = await uploadFile({ central, connectPeer: createPeerFilesClient }, {
      name: 'round trip.bin', size: content.length + 500, sizeIsMaximum: true, source: Readable.from([content.subarray(0, 1_000_000), content.subarray(1_000_000)])
    })
    expect(result).toMatchObject({ size: content.length, sha256: sha256Hex(content) })

    const view = viewOf('round trip.bin', content)
    const whole = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient }, view)
    expect((await readAll(whole.body)).equals(content)).toBe(true)

    const range = { start: PIECE_BYTES - 10, end: PIECE_BYTES + 20 }
    const part = await openDownload({ central: { locate: async () => view }, connectPeer: createPeerFilesClient }, view, { range })
    expect((await readAll(part.body)).equals(content.subarray(range.start, range.end))).toBe(true)
  })

  it('leaves nothing stored when the source fails mid-upload (no end message)', async () => {
    const source = new PassThrough()
    const uploading = uploadFile({ central, connectPeer: createPeerFilesClient }, { name: 'cut.bin', size: 1_000_000, sizeIsMaximum: true, source })
    source.write(randomBytes(300_000))
    // Bounded wait until the peer is receiving, then the browser "goes away".
    await waitFor(() => peer.peer.transfers.count() > 0)
    source.destroy(new Error('the browser went away'))
    await expect(uploading).rejects.toMatchObject({ code: 'PCLIENT_BAD_REQUEST' })
    await waitFor(() => peer.peer.transfers.count() === 0)
    expect((await peer.store.list()).map((file) => file.name)).not.toContain('cut.bin')
  })
})
