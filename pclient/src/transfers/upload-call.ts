// One gRPC Upload call seen as a Node Writable of messages plus the peer's answer, and the one safe way
// to give it up. Why abandoning needs care: when a client cancels, grpc-js on the server side ends the
// message stream (as a half-close would) before it flags the call cancelled, so a peer accepting "at
// most N bytes" could take a cut-short upload for a complete one. Before cancelling, we therefore send
// a message the protocol forbids (a second header), which makes any conforming peer refuse the upload.
import { Writable } from 'node:stream'
import type { ClientWritableStream } from '@grpc/grpc-js'
import type { PeerFilesClient, UploadHeader, UploadRequest, UploadResponse__Output } from '@p2p/proto'
import { DataLossError } from '../errors.js'

/** How long abandoning waits for the refusal message to leave before cancelling regardless. */
export const ABANDON_FLUSH_MS = 1000

/** Only the first message of an upload may be a header: a second one always invalidates the upload. */
const INVALIDATING_MESSAGE: UploadRequest = { header: { name: '', size: 0, sha256: '', sizeIsMaximum: false } }

export interface UploadCall {
  /** The peer's answer; rejects with the call's gRPC error. */
  answered: Promise<UploadResponse__Output>
  /** Takes chunk messages with backpressure; finishing it half-closes the call. */
  sink: Writable
  /** Makes sure the peer discards what it received, then cancels the call. */
  abandon: () => Promise<void>
}

export function startUploadCall (client: PeerFilesClient, header: UploadHeader): UploadCall {
  let settled = false
  let call: ClientWritableStream<UploadRequest> | undefined
  const answered = new Promise<UploadResponse__Output>((resolve, reject) => {
    call = client.Upload((err, response) => {
      settled = true
      if (err != null) reject(err)
      else if (response == null) reject(new DataLossError('the peer answered the upload with nothing'))
      else resolve(response)
    })
  })
  if (call == null) throw new Error('unreachable: grpc-js creates the call synchronously')
  const upload = call
  upload.write({ header })

  // Kept out of any pipeline so that a failing pipeline cannot destroy the call before abandon() speaks.
  const sink = new Writable({
    objectMode: true,
    highWaterMark: 1,
    write (message: UploadRequest, _encoding, callback) {
      if (upload.write(message)) callback()
      else upload.once('drain', () => { callback() })
    },
    final (callback) {
      upload.end()
      callback()
    }
  })

  const abandon = async (): Promise<void> => {
    if (!settled && !upload.writableEnded) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ABANDON_FLUSH_MS)
        upload.write(INVALIDATING_MESSAGE, () => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
    upload.cancel()
  }

  return { answered, sink, abandon }
}
