// Upload one file to the network: ask the central which peer has room, then stream the bytes to that
// peer over gRPC (a header, chunks, and an end message with the exact count) with backpressure, and check
// the peer's answer against what was sent. Independent of Fastify, so the web routes and a command line share it.
import { pipeline } from 'node:stream/promises'
import type { Readable } from 'node:stream'
// gRPC's status codes from grpc-js's own constants module, without loading grpc-js itself
// (transfers/peer-connector.ts loads it at the first transfer).
import { Status as status } from '@grpc/grpc-js/build/src/constants.js'
import { UNMETERED } from '@p2p/proto'
import type { CentralClient, Placement, TransferMeter, UploadResponse__Output } from '@p2p/proto'
import { BadRequestError, DataLossError, isClientError, parseFileName } from '../errors.js'
import type { ClientError } from '../errors.js'
import { isGrpcServiceError, toHttpError } from '../error-mapping.js'
import type { ConnectPeer, TransferLog } from './peer-connector.js'
import { startUploadCall } from './upload-call.js'

export interface UploadComponents {
  central: Pick<CentralClient, 'place'>
  connectPeer: ConnectPeer
  log?: TransferLog
  /** Counts the upload while it runs and its bytes as they go out; default: not counted. */
  meter?: TransferMeter
}

export interface UploadInput {
  name: string
  /** The exact size, or with sizeIsMaximum the most bytes `source` may yield (e.g. a request's Content-Length). */
  size: number
  sizeIsMaximum: boolean
  /** The file's bytes; consumed with backpressure and destroyed when the upload fails. */
  source: Readable
  /**
   * Called once `source` ended, before the end message goes out: resolves if the bytes are known to be
   * whole, throws (a PCLIENT_ error) if not, e.g. when the HTTP request they came in was cut off. A
   * source that ends early without an error would otherwise be taken for a complete file.
   */
  confirmWhole?: () => Promise<void>
  /** Aborting cancels the gRPC call; the peer then discards what it received. */
  signal?: AbortSignal
  /** `source` yields buffers of their own that nothing else reads: each is freed once sent (UploadCallOptions). */
  chunksReadOnce?: boolean
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
  const response = await sendToPeer(components, placement.grpcAddress, { ...input, name }, placement.ticket)
  components.log?.info({ file: name, size: response.size, peerId: response.peerId }, 'uploaded')
  return { ...response, grpcAddress: placement.grpcAddress }
}

/** Streams `input.source` to the peer at `address` with one Upload call. */
export async function sendToPeer (
  components: Pick<UploadComponents, 'connectPeer' | 'meter'>, address: string, input: UploadInput, ticket?: string
): Promise<UploadResponse__Output> {
  const meter = components.meter ?? UNMETERED
  // Listened for before connecting: the first connection loads gRPC's client code, and a source that
  // fails meanwhile (the browser went away) must not be an unhandled 'error' event.
  let sourceError: unknown = null
  input.source.once('error', (err) => { sourceError ??= err })
  const client = await Promise.resolve(components.connectPeer(address, ticket == null ? {} : { ticket })).catch((err: unknown) => {
    input.source.destroy()
    throw err
  })
  const ended = meter.begin('upload')
  const call = startUploadCall(client, { name: input.name, size: input.size, sizeIsMaximum: input.sizeIsMaximum, sha256: '' }, {
    onSent: (bytes) => { meter.moved('upload', 'sent', bytes) },
    chunksReadOnce: input.chunksReadOnce
  })

  const send = async (): Promise<void> => {
    await pipeline(input.source, call.sink, input.signal == null ? {} : { signal: input.signal })
    await input.confirmWhole?.()
    input.signal?.throwIfAborted()
    call.finish()
  }
  try {
    // Either side may fail first: a refusal from the peer ends the call while bytes are still flowing.
    const [response] = await Promise.all([call.answered, send()])
    checkAnswer(response, input.name, call.bytesSent)
    return response
  } catch (err) {
    input.source.destroy()
    call.cancel()
    const answer = await call.answered.then(() => null, (grpcErr: unknown) => grpcErr)
    throw explain(err, answer, sourceError, input.signal)
  } finally {
    ended()
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

function checkAnswer (response: UploadResponse__Output, name: string, bytesSent: number): void {
  if (response.size !== bytesSent) {
    throw new DataLossError(`the peer stored ${response.size} bytes of '${name}'; ${bytesSent} bytes were sent`)
  }
  if (response.name !== name) throw new DataLossError(`the peer stored the file as '${response.name}', not '${name}'`)
}
