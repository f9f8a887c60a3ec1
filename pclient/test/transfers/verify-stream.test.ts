import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createVerifyingStream } from '../../src/transfers/verify-stream.js'

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

function chunksOf (data: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = []
  for (let offset = 0; offset < data.length; offset += size) chunks.push(data.subarray(offset, offset + size))
  return chunks
}

/** Reads everything the stream emits until it ends or errors. */
async function drain (stream: Readable): Promise<{ chunks: Buffer[], error: unknown }> {
  const chunks: Buffer[] = []
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer)
    return { chunks, error: null }
  } catch (error) {
    return { chunks, error }
  }
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
}

describe('createVerifyingStream', () => {
  it('passes good content through byte-identical', async () => {
    const content = randomBytes(300_000)
    const verifier = Readable.from(chunksOf(content, 65_536)).pipe(createVerifyingStream({ sha256: sha256(content), size: content.length }))
    const { chunks, error } = await drain(verifier)
    expect(error).toBeNull()
    expect(Buffer.concat(chunks).equals(content)).toBe(true)
  })

  it('passes an empty file', async () => {
    const empty = Buffer.alloc(0)
    const { chunks, error } = await drain(Readable.from([]).pipe(createVerifyingStream({ sha256: sha256(empty), size: 0 })))
    expect(error).toBeNull()
    expect(chunks).toHaveLength(0)
  })

  it('errors on corrupted content and never emits the final chunk', async () => {
    const content = randomBytes(200_000)
    const corrupted = Buffer.from(content)
    corrupted[150_000] = (corrupted[150_000] ?? 0) ^ 1
    const sent = chunksOf(corrupted, 50_000)
    const verifier = Readable.from(sent).pipe(createVerifyingStream({ sha256: sha256(content), size: content.length }))
    const { chunks, error } = await drain(verifier)
    expect(error).toMatchObject({ code: 'PCLIENT_DATA_LOSS' })
    // Everything but the held-back last chunk went through: the reader never has the complete file.
    expect(chunks).toHaveLength(sent.length - 1)
    expect(Buffer.concat(chunks).length).toBeLessThan(content.length)
  })

  it('holds back a single-chunk file entirely when it is wrong', async () => {
    const content = Buffer.from('hello')
    const { chunks, error } = await drain(Readable.from([Buffer.from('jello')]).pipe(createVerifyingStream({ sha256: sha256(content), size: 5 })))
    expect(error).toMatchObject({ code: 'PCLIENT_DATA_LOSS' })
    expect(chunks).toHaveLength(0)
  })

  it('errors when the content is shorter or longer than the expected size', async () => {
    const content = randomBytes(1000)
    const short = await drain(Readable.from([content.subarray(0, 900)]).pipe(createVerifyingStream({ sha256: sha256(content), size: 1000 })))
    expect(short.error).toMatchObject({ code: 'PCLIENT_DATA_LOSS' })
    const long = await drain(Readable.from([content, Buffer.from('x')]).pipe(createVerifyingStream({ sha256: sha256(content), size: 1000 })))
    expect(long.error).toMatchObject({ code: 'PCLIENT_DATA_LOSS' })
    expect(Buffer.concat(long.chunks).length).toBeLessThan(1000)
  })

  it('does not buffer without bound when its reader is slow', async () => {
    const chunkBytes = 64 * 1024
    const total = 200
    let produced = 0
    const source = new Readable({
      read () {
        if (produced === total) {
          this.push(null)
          return
        }
        produced += 1
        this.push(Buffer.alloc(chunkBytes, produced % 256))
      }
    })
    const expected = createHash('sha256')
    for (let i = 1; i <= total; i++) expected.update(Buffer.alloc(chunkBytes, i % 256))
    const verifier = source.pipe(createVerifyingStream({ sha256: expected.digest('hex'), size: total * chunkBytes }))

    // Nobody reads: the pipe must stop pulling after a few chunks instead of taking the whole source.
    await settle()
    expect(produced).toBeLessThan(10)
    expect(verifier.readableLength + verifier.writableLength).toBeLessThan(10 * chunkBytes)

    // A reader then gets every byte, verified.
    const { chunks, error } = await drain(verifier)
    expect(error).toBeNull()
    expect(produced).toBe(total)
    expect(chunks.reduce((sum, chunk) => sum + chunk.length, 0)).toBe(total * chunkBytes)
  })
})
