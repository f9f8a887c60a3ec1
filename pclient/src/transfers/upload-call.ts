// One gRPC Upload call seen as a Node Writable of bytes plus the peer's answer. The bytes leave as chunk
// messages of at most CHUNK_BYTES, with backpressure; finish() sends the UploadEnd message with the exact
// count and half-closes. A call given up with cancel() never sends that message, which is how the peer
// tells a cut-off upload from a finished one.
import { Writable } from 'node:stream'
import type { ClientWritableStream } from '@grpc/grpc-js'
import { CHUNK_BYTES, markSoleView } from '@p2p/proto'
import type { PeerFilesClient, UploadHeader, UploadRequest, UploadResponse__Output } from '@p2p/proto'
import { DataLossError, UploadTooLargeError } from '../errors.js'

export interface UploadCall {
  /** The peer's answer; rejects with the call's gRPC error. */
  answered: Promise<UploadResponse__Output>
  /** Takes the file's bytes; refuses more than the header allows. Finishing it does not end the call. */
  sink: Writable
  /** Data bytes handed to the call so far. */
  readonly bytesSent: number
  /** After the sink finished: sends the UploadEnd message and half-closes the call. */
  finish: () => void
  /** Stops the sink and cancels the call; the peer discards what it received. */
  cancel: () => void
}

export interface UploadCallOptions {
  /** Told the size of each piece of data handed to the call (for metrics). */
  onSent?: (bytes: number) => void
  /**
   * The sink's chunks are buffers of their own that nothing else reads (an HTTP request's body): each
   * is freed as soon as it was encoded into its message (markSoleView; freed-upload-chunks.ts in
   * @p2p/proto), instead of when the garbage collector gets to it.
   */
  chunksReadOnce?: boolean
}

export function startUploadCall (client: PeerFilesClient, header: UploadHeader & { size: number }, options: UploadCallOptions = {}): UploadCall {
  let call: ClientWritableStream<UploadRequest> | undefined
  const answered = new Promise<UploadResponse__Output>((resolve, reject) => {
    call = client.Upload((err, response) => {
      if (err != null) reject(err)
      else if (response == null) reject(new DataLossError('the peer answered the upload with nothing'))
      else resolve(response)
    })
  })
  if (call == null) throw new Error('unreachable: grpc-js creates the call synchronously')
  const upload = call
  upload.write({ header } satisfies UploadRequest)

  const sink = new ChunkSink(upload, header.size, options.onSent ?? (() => {}), options.chunksReadOnce === true)
  return {
    answered,
    sink,
    get bytesSent () { return sink.bytes },
    finish: () => {
      upload.write({ end: { size: sink.bytes, sha256: '' } } satisfies UploadRequest)
      upload.end()
    },
    cancel: () => {
      sink.destroy()
      upload.cancel()
    }
  }
}

/**
 * Writes bytes to the call as chunk messages of at most CHUNK_BYTES, waiting for 'drain' when told to.
 * Small chunks go out as they are: gathering them into full messages measured no faster (the peer's
 * disk and hashing set the pace) and would hold bytes back from a slow sender.
 */
class ChunkSink extends Writable {
  bytes = 0

  constructor (
    private readonly call: ClientWritableStream<UploadRequest>, private readonly maxBytes: number,
    private readonly onSent: (bytes: number) => void, private readonly chunksReadOnce: boolean
  ) {
    super({ highWaterMark: CHUNK_BYTES })
  }

  override _write (chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.bytes + chunk.length > this.maxBytes) {
      callback(new UploadTooLargeError(`the upload is larger than the ${this.maxBytes} bytes it declared`))
      return
    }
    // The length is read once: a chunk freed once encoded (chunksReadOnce) has none afterwards.
    const length = chunk.length
    this.bytes += length
    this.onSent(length)
    let ready = true
    for (let offset = 0; offset < length; offset += CHUNK_BYTES) {
      const part = offset === 0 && length <= CHUNK_BYTES ? chunk : chunk.subarray(offset, offset + CHUNK_BYTES)
      if (this.chunksReadOnce) markSoleView(part)
      ready = this.call.write({ chunk: part } satisfies UploadRequest)
    }
    if (ready) callback()
    else this.call.once('drain', () => { callback() })
  }
}
