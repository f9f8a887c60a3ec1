// Download one file from the network: ask the central which peers hold it, then stream it over gRPC from
// the first holder that answers, verifying its size and SHA-256 on the way (the last chunk is held back
// until the hash matches). Independent of Fastify, so the web routes and a command line share it.
import { Transform, addAbortSignal, pipeline } from 'node:stream'
import type { Readable, TransformCallback } from 'node:stream'
import type { CentralClient, FileChunk__Output, FileView, Holder } from '@p2p/proto'
import { FileNotFoundError, PeerUnreachableError } from '../errors.js'
import type { ClientError } from '../errors.js'
import { toHttpError } from '../error-mapping.js'
import { parseFileName } from '../file-name.js'
import type { ConnectPeer, TransferLog } from './peer-connector.js'
import { createVerifyingStream } from './verify-stream.js'

/** How long a holder may take to send its first byte before the next holder is tried. */
export const DEFAULT_FIRST_BYTE_TIMEOUT_MS = 15_000

export interface DownloadComponents {
  central: Pick<CentralClient, 'locate'>
  connectPeer: ConnectPeer
  log?: TransferLog
  firstByteTimeoutMs?: number
}

export interface DownloadOptions {
  /** Aborting destroys the body and cancels the gRPC call. */
  signal?: AbortSignal
}

export interface OpenedDownload {
  /** What the central says the file is: name, size, sha256, holders. */
  file: FileView
  /** The holder the bytes come from. */
  holder: Holder
  /**
   * The file's bytes. Errors (PCLIENT_DATA_LOSS, ...) before its final chunk when the content does not
   * match; destroying it cancels the transfer.
   */
  body: Readable
}

/** Locates `name` and opens a verified byte stream from the first holder that sends a first byte. */
export async function openDownload (components: DownloadComponents, rawName: string, options: DownloadOptions = {}): Promise<OpenedDownload> {
  const name = parseFileName(rawName)
  let file: FileView
  try {
    file = await components.central.locate(name)
  } catch (err) {
    throw toHttpError(err)
  }
  if (file.holders.length === 0) throw new FileNotFoundError(`no live peer holds '${name}'`)

  let lastError: ClientError | null = null
  for (const holder of file.holders) {
    options.signal?.throwIfAborted()
    try {
      const body = await openFromHolder(components, file, holder)
      if (options.signal != null) addAbortSignal(options.signal, body)
      return { file, holder, body }
    } catch (err) {
      lastError = toHttpError(err)
      components.log?.warn({ file: name, peerId: holder.peerId, address: holder.grpcAddress, code: lastError.code, reason: lastError.message },
        'holder failed before sending a byte; trying the next one')
    }
  }
  throw lastError ?? new FileNotFoundError(`no live peer holds '${name}'`)
}

/**
 * Starts a Download call and resolves once the first chunk (or the end of an empty file) arrived, so a
 * holder that fails at once is skipped before anything was sent on. The call is cancelled and the
 * client closed whenever the returned stream ends, errors or is destroyed.
 */
async function openFromHolder (components: DownloadComponents, file: FileView, holder: Holder): Promise<Readable> {
  const client = components.connectPeer(holder.grpcAddress)
  const call = client.Download({ name: file.name, sha256: file.sha256, offset: 0, length: 0 })
  const verifier = createVerifyingStream({ sha256: file.sha256, size: file.size })
  const timeoutMs = components.firstByteTimeoutMs ?? DEFAULT_FIRST_BYTE_TIMEOUT_MS

  return await new Promise<Readable>((resolve, reject) => {
    let started = false
    const start = (): void => {
      if (started) return
      started = true
      clearTimeout(timer)
      resolve(verifier)
    }
    const timer = setTimeout(() => {
      toBytes.destroy(new PeerUnreachableError(`peer ${holder.peerId} sent nothing for ${timeoutMs} ms`))
    }, timeoutMs)

    const toBytes = new Transform({
      writableObjectMode: true,
      transform (message: FileChunk__Output, _encoding: BufferEncoding, callback: TransformCallback) {
        start()
        callback(null, message.data.length > 0 ? message.data : undefined)
      },
      flush (callback: TransformCallback) {
        start()
        callback()
      }
    })

    pipeline(call, toBytes, verifier, (err) => {
      clearTimeout(timer)
      // Once the call completed, cancelling it is a no-op; otherwise it tells the peer to stop reading.
      call.cancel()
      client.close()
      if (err != null && !started) reject(err)
    })
  })
}
