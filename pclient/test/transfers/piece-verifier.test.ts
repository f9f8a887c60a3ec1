import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import type { FileChunk__Output } from '@p2p/proto'
import { describe, expect, it } from 'vitest'
import type { PieceMap } from '../../src/transfers/piece-map.js'
import { createPieceVerifier } from '../../src/transfers/piece-verifier.js'
import type { PieceVerifierOptions } from '../../src/transfers/piece-verifier.js'
import { pieceHashes, sha256Hex } from '../helpers/fake-peer.js'

const PIECE = 1000

function mapOf (content: Buffer, overrides: Partial<PieceMap> = {}): PieceMap {
  return { name: 'f.bin', size: content.length, sha256: sha256Hex(content), pieceSize: PIECE, pieceHashes: pieceHashes(content, PIECE), vouched: false, ...overrides }
}

/** `data` as Download messages of `step` bytes (not aligned to pieces). */
function messages (data: Buffer, step: number): FileChunk__Output[] {
  const out: FileChunk__Output[] = []
  for (let offset = 0; offset < data.length; offset += step) out.push({ data: data.subarray(offset, offset + step) })
  return out
}

/** Feeds `sent` through a verifier read in flowing mode (as a socket reads it), and collects what it emitted. */
async function run (sent: FileChunk__Output[], options: Omit<PieceVerifierOptions, 'peerId'>): Promise<{ data: Buffer, error: unknown, firstPieceSeen: boolean }> {
  let firstPieceSeen = false
  const verifier = createPieceVerifier({ ...options, peerId: 'peer-x', onFirstPiece: () => { firstPieceSeen = true } })
  const chunks: Buffer[] = []
  verifier.on('data', (chunk: Buffer) => { chunks.push(chunk) })
  const error = await new Promise<unknown>((resolve) => {
    verifier.once('end', () => { resolve(null) })
    verifier.once('error', resolve)
    Readable.from(sent).pipe(verifier)
  })
  return { data: Buffer.concat(chunks), error, firstPieceSeen }
}

describe('createPieceVerifier', () => {
  it('passes every verified piece through byte-identical, whatever the message boundaries', async () => {
    const content = randomBytes(4_500)
    const { data, error, firstPieceSeen } = await run(messages(content, 333), { map: mapOf(content), pieces: { first: 0, end: 5 } })
    expect(error).toBeNull()
    expect(firstPieceSeen).toBe(true)
    expect(data.equals(content)).toBe(true)
  })

  it('never hands on a byte of a corrupted piece, and names the file, the peer and the piece', async () => {
    const content = randomBytes(4_500)
    const corrupted = Buffer.from(content)
    corrupted[2_500] = (corrupted[2_500] ?? 0) ^ 1
    const { data, error } = await run(messages(corrupted, 333), { map: mapOf(content), pieces: { first: 0, end: 5 } })
    expect(error).toMatchObject({ code: 'PCLIENT_DATA_LOSS', statusCode: 502 })
    expect((error as Error).message).toMatch(/'f\.bin' from peer peer-x.*piece 2/)
    // Pieces 0 and 1 passed; nothing of piece 2 (bytes 2000-2999) left.
    expect(data.equals(content.subarray(0, 2_000))).toBe(true)
  })

  it('holds back the last piece when the pieces match but the whole file does not', async () => {
    const content = randomBytes(3_000)
    const other = randomBytes(3_000)
    // A holder whose piece hashes describe its own (other) bytes while it claims the located SHA-256.
    const map = mapOf(content, { pieceHashes: pieceHashes(other, PIECE) })
    const { data, error } = await run(messages(other, 700), { map, pieces: { first: 0, end: 3 } })
    expect(error).toMatchObject({ code: 'PCLIENT_DATA_LOSS' })
    expect(data.length).toBe(2_000)
  })

  it('does not hash the whole file when the central vouched for the piece table: the pieces alone decide', async () => {
    const content = randomBytes(3_000)
    const other = randomBytes(3_000)
    // The same holder as above, but its piece table is the one the central recorded with the content
    // (checkPieceMap set vouched): pieces that match it are the content, so no whole-file SHA-256 is
    // computed, and so none can differ. (In the network, matching pieces of a vouched table are the
    // located content; here the map's sha256 is wrong on purpose, to show that it is not consulted.)
    const map = mapOf(content, { pieceHashes: pieceHashes(other, PIECE), vouched: true })
    const { data, error } = await run(messages(other, 700), { map, pieces: { first: 0, end: 3 } })
    expect(error).toBeNull()
    expect(data.equals(other)).toBe(true)
  })

  it('hands on only the kept bytes of a piece range', async () => {
    const content = randomBytes(4_500)
    const sent = messages(content.subarray(1_000, 3_000), 400)
    const { data, error } = await run(sent, { map: mapOf(content), pieces: { first: 1, end: 3 }, keep: { start: 1_234, end: 2_567 } })
    expect(error).toBeNull()
    expect(data.equals(content.subarray(1_234, 2_567))).toBe(true)
  })

  it('refuses bytes beyond the range and a range that stops short', async () => {
    const content = randomBytes(2_500)
    const tooMany = await run(messages(content, 500), { map: mapOf(content), pieces: { first: 0, end: 2 } })
    expect(tooMany.error).toMatchObject({ code: 'PCLIENT_DATA_LOSS' })
    expect(tooMany.data.length).toBe(2_000)
    const tooFew = await run(messages(content.subarray(0, 2_200), 500), { map: mapOf(content), pieces: { first: 0, end: 3 } })
    expect(tooFew.error).toMatchObject({ code: 'PCLIENT_DATA_LOSS' })
    expect(tooFew.data.length).toBe(2_000)
  })

  it('passes an empty file and checks its hash', async () => {
    const empty = Buffer.alloc(0)
    const good = await run([], { map: mapOf(empty), pieces: { first: 0, end: 0 } })
    expect(good).toMatchObject({ error: null, firstPieceSeen: true })
    const claimed = await run([], { map: mapOf(empty, { sha256: sha256Hex(Buffer.from('x')) }), pieces: { first: 0, end: 0 } })
    expect(claimed.error).toMatchObject({ code: 'PCLIENT_DATA_LOSS' })
  })
})
