import * as grpc from '@grpc/grpc-js'
import { describe, expect, it } from 'vitest'
import { loadFileSharingProto } from '@p2p/proto/grpc'
import { encodeFileChunk, withReusedChunkEncoding } from '../../src/grpc/chunk-encoding.js'

const generated = loadFileSharingProto().filesharing.v1.PeerFiles.service
const download = generated.Download as grpc.MethodDefinition<unknown, unknown>

function bytesOf (length: number, seed: number): Buffer {
  const data = Buffer.allocUnsafe(length)
  for (let i = 0; i < length; i++) data[i] = (i * 31 + seed) & 0xff
  return data
}

describe('FileChunk encoding', () => {
  // Lengths on each side of every varint width the chunks can have (1, 2, 3 and 4 bytes).
  it.each([1, 127, 128, 16_383, 16_384, 256 * 1024, 2_097_151, 2_097_152])('writes %i bytes exactly as protobufjs does', (length) => {
    const data = bytesOf(length, length)
    const ours = Buffer.from(encodeFileChunk(data))
    expect(ours.equals(download.responseSerialize({ data }))).toBe(true)
    expect((download.responseDeserialize(ours) as { data: Buffer }).data.equals(data)).toBe(true)
  })

  it('reuses its buffer, so a caller must copy the bytes before the next chunk (as grpc-js does)', () => {
    const first = encodeFileChunk(bytesOf(1000, 1))
    const copy = Buffer.from(first)
    const second = encodeFileChunk(bytesOf(1000, 2))
    expect(second.buffer).toBe(first.buffer)
    expect(first.equals(copy)).toBe(false)
  })

  it('replaces only the Download answers of the service, and falls back for data that is not bytes', () => {
    const service = withReusedChunkEncoding(generated)
    const method = service.Download as grpc.MethodDefinition<unknown, unknown>
    expect(method.responseSerialize).not.toBe(download.responseSerialize)
    expect(method.path).toBe(download.path)
    expect(service.Upload).toBe(generated.Upload)
    const asText = method.responseSerialize({ data: Buffer.from('abc').toString('base64') })
    expect((download.responseDeserialize(asText) as { data: Buffer }).data.toString()).toBe('abc')
    expect(() => withReusedChunkEncoding({})).toThrow(/no Download method/)
  })
})
