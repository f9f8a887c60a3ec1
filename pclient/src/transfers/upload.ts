// Upload one file to the network: ask the central which peer has room, then stream the bytes to that
// peer over gRPC (one header, then chunks) with backpressure, hashing them on the way and checking the
// peer's answer against what was sent. Independent of Fastify, so the web routes and a command line share it.
import { createHash } from 'node:crypto'
import { Transform } from 'node:stream'
import type { Readable, TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { status } from '@grpc/grpc-js'
import { CHUNK_BYTES } from '@p2p/proto'
import type { CentralClient, Placement, UploadRequest, UploadResponse__Output } from '@p2p/proto'
import { BadRequestError, DataLossError, UploadTooLargeError, isClientError } from '../errors.js'
import type { ClientError } from '../errors.js'
import { isGrpcServiceError, toHttpError } from '../error-mapping.js'
import { parseFileName } from '../file-name.js'
import type { ConnectPeer, TransferLog } from './peer-connector.js'
import { startUploadCall } from './upload-call.js'

export interface UploadComponents {
  central: Pick<CentralClient, 'place'>
  connectPeer: ConnectPeer
  log?: TransferLog
}

export interface UploadInput {
  name: string
  /** The exact size, or with sizeIsMaximum the most bytes `source` may yield (e.g. a request's Content-Length). */
  size: number
  sizeIsMaximum: boolean
  /** The file's bytes; consumed with backpressure and destroyed when the upload fails. */
  source: Readable
  /** Aborting cancels the gRPC call; the peer then discards what it received. */
  signal?: AbortSignal
}

export interface UploadResult {
  name: string
  size: number
  sha256: string
  peerId: string
  grpcAddress: string
}

/** Places the file with the central and sends it to the chosen peer. Throws PCLIENT_ errors. */
export async function uploadFile (components: UploadComponents, input: UploadInput): Promise<UploadResult> {
  let name: string
  try {
    name = parseFileName(input.name)
  } catch (err) {
    input.source.destroy()
    throw err
  }
  let placement: Placement
  try {
    placement = await components.central.place({ name, size: input.size })
  } catch (err) {
    input.source.destroy()
    throw toHttpError(err)
  }
  const response = await sendToPeer(components.connectPeer, placement.grpcAddress, { ...input, name })
  components.log?.info({ file: name, size: response.size, peerId: response.peerId }, 'uploaded')
  return { ...response, grpcAddress: placement.grpcAddress }
}

/** Streams `input.source` to the peer at `address` with one Upload call. */
export async function sendToPeer (connectPeer: ConnectPeer, address: string, input: UploadInput): Promise<UploadResponse__Output> {
  const client = connectPeer(address)
  const counter = new Chunker(input.size)
  let sourceError: unknown = null
  input.source.once('error', (err) => { sourceError ??= err })
  const call = startUploadCall(client, { name: input.name, size: input.size, sizeIsMaximum: input.sizeIsMaximum, sha256: '' })

  try {
    const piped = pipeline(input.source, counter, call.sink, input.signal == null ? {} : { signal: input.signal })
    // Either side may fail first: a refusal from the peer ends the call while bytes are still flowing.
    const [response] = await Promise.all([call.answered, piped])
    checkAnswer(response, input.name, counter)
    return response
  } catch (err) {
    counter.destroy()
    input.source.destroy()
    await call.abandon()
    const answer = await call.answered.then(() => null, (grpcErr: unknown) => grpcErr)
    throw explain(err, answer, sourceError, input.signal)
  } finally {
    client.close()
  }
}

/** The most telling cause of a failed upload, as a PCLIENT_ error. */
function explain (err: unknown, answer: unknown, sourceError: unknown, signal: AbortSignal | undefined): ClientError {
  if (signal?.aborted === true) return toHttpError(signal.reason)
  // A refusal from the peer explains more than the broken pipe it causes (our own cancel() answers CANCELLED).
  if (isGrpcServiceError(answer) && answer.code !== status.CANCELLED) return toHttpError(answer)
  if (isClientError(err)) return err
  // pipeline() destroys every stream with the first error, so only the same error object proves the source failed first.
  if (err === sourceError) {
    const reason = err instanceof Error ? err.message : String(err)
    return new BadRequestError(`the upload was interrupted: ${reason}`, { cause: err })
  }
  return toHttpError(err)
}

function checkAnswer (response: UploadResponse__Output, name: string, counter: Chunker): void {
  if (response.size !== counter.bytes || response.sha256 !== counter.sha256()) {
    throw new DataLossError(`the peer stored ${response.size} bytes with SHA-256 ${response.sha256}; ` +
      `${counter.bytes} bytes with SHA-256 ${counter.sha256()} were sent`)
  }
  if (response.name !== name) throw new DataLossError(`the peer stored the file as '${response.name}', not '${name}'`)
}

/** Bytes in, UploadRequest chunk messages out (at most CHUNK_BYTES each), counting and hashing on the way. */
class Chunker extends Transform {
  bytes = 0
  readonly #hash = createHash('sha256')
  #digest: string | null = null

  constructor (readonly maxBytes: number) {
    // A few messages in flight is enough to keep the call busy; more would only hold memory.
    super({ readableObjectMode: true, readableHighWaterMark: 4 })
  }

  override _transform (chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length
    if (this.bytes > this.maxBytes) {
      callback(new UploadTooLargeError(`the upload is larger than the ${this.maxBytes} bytes it declared`))
      return
    }
    this.#hash.update(chunk)
    for (let offset = 0; offset < chunk.length; offset += CHUNK_BYTES) {
      this.push({ chunk: chunk.subarray(offset, offset + CHUNK_BYTES) } satisfies UploadRequest)
    }
    callback()
  }

  sha256 (): string {
    this.#digest ??= this.#hash.digest('hex')
    return this.#digest
  }
}
