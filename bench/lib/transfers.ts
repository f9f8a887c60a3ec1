// The transfers the benchmark times, each receiving to disk as a real user or peer would.
import { spawn } from 'node:child_process'
import { createReadStream, createWriteStream } from 'node:fs'
import { once } from 'node:events'
import net from 'node:net'
import { pipeline } from 'node:stream/promises'
import { Transform, Writable } from 'node:stream'
import { CHUNK_BYTES } from '@p2p/proto'
import { createPeerFilesClient } from '@p2p/proto/grpc'
import type { FileChunk__Output, UploadResponse__Output } from '@p2p/proto'

export async function receiveTcp (port: number, outPath: string): Promise<void> {
  const socket = net.connect(port, '127.0.0.1')
  await pipeline(socket, createWriteStream(outPath))
}

export async function curl (args: string[]): Promise<string> {
  const child = spawn('curl', ['--silent', '--show-error', '--fail', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString() })
  const [code] = await once(child, 'exit') as [number | null]
  if (code !== 0) throw new Error(`curl ${args.join(' ')} failed (${code}): ${err}`)
  return out
}

export async function grpcDownload (grpcAddress: string, ticket: string | undefined, name: string, outPath: string): Promise<void> {
  const client = createPeerFilesClient(grpcAddress, ticket == null ? {} : { ticket })
  try {
    const call = client.download({ name, offset: 0, length: 0 })
    const toBytes = new Transform({
      writableObjectMode: true,
      transform (chunk: FileChunk__Output, _encoding, done) { done(null, chunk.data) }
    })
    await pipeline(call, toBytes, createWriteStream(outPath))
  } finally {
    client.close()
  }
}

export async function grpcUpload (grpcAddress: string, ticket: string | undefined, name: string, size: number, sourcePath: string): Promise<UploadResponse__Output> {
  const client = createPeerFilesClient(grpcAddress, ticket == null ? {} : { ticket })
  try {
    let answer: Promise<UploadResponse__Output> | undefined
    const call = client.upload((err, response) => {
      answer = err != null || response == null ? Promise.reject(err ?? new Error('no response')) : Promise.resolve(response)
    })
    call.write({ header: { name, size, sha256: '', sizeIsMaximum: false } })
    const toMessages = new Transform({
      readableObjectMode: true,
      transform (chunk: Buffer, _encoding, done) { done(null, { chunk }) },
      // The end message tells the peer the upload is complete rather than cut off.
      flush (done) { done(null, { end: { size, sha256: '' } }) }
    })
    await pipeline(createReadStream(sourcePath, { highWaterMark: CHUNK_BYTES }), toMessages, call as unknown as Writable)
    await once(call, 'status')
    // The callback runs before 'status'; `answer` is set by now.
    return await (answer ?? Promise.reject(new Error('upload ended without an answer')))
  } finally {
    client.close()
  }
}
