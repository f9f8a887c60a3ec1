// A real gRPC PeerFiles server on 127.0.0.1:0 whose behaviour each test scripts: which files it serves
// (optionally with corrupted bytes behind honest piece hashes, or a lying description, or failing), and
// what it does with uploads. It stands in for a pserver where a test needs a peer misbehaving in a way a
// real one cannot be made to, or needs to see exactly which messages arrived.
import { createHash } from 'node:crypto'
import * as grpc from '@grpc/grpc-js'
import { PIECE_BYTES, grpcServerOptions } from '@p2p/proto'
import { loadFileSharingProto } from '@p2p/proto/grpc'
import type {
  DownloadRequest__Output, FileChunk, FileInfo, PeerFilesHandlers, UploadEnd__Output, UploadHeader__Output, UploadRequest__Output, UploadResponse
} from '@p2p/proto'

export interface FakeFile {
  content: Buffer
  /** Chunk size the download is sent in (default 64 KiB). */
  chunkBytes?: number
  /** Piece size GetFileInfo describes (default PIECE_BYTES). */
  pieceSize?: number
  /** Flip the byte at this file offset in what Download sends; GetFileInfo still describes the honest content. */
  corruptAt?: number
  /** Fields GetFileInfo answers instead of the honest ones (a holder that lies or has other content). */
  info?: Partial<FileInfo>
  /** Answer Download (and GetFileInfo, when failInfo is set) with this status before sending any byte. */
  failWith?: grpc.status
  failInfo?: boolean
  /** Accept the Download call but never send a byte (until the caller cancels). */
  stall?: boolean
  /** Fail the Download with INTERNAL once this many bytes were sent. */
  failAfterBytes?: number
}

export interface UploadRecord {
  header: UploadHeader__Output | null
  bytes: number
  /** Size of each chunk message, in order. */
  chunkSizes: number[]
  sha256: string
  end: UploadEnd__Output | null
  cancelled: boolean
  /** The fake answered with an error (a scripted refusal, a protocol violation, or a stream without end). */
  refused: boolean
  done: boolean
}

export interface FakePeer {
  address: string
  peerId: string
  files: Map<string, FakeFile>
  uploads: UploadRecord[]
  /** Every Download request, in order. */
  downloads: DownloadRequest__Output[]
  /** Downloads whose caller cancelled. */
  cancelledDownloads: number
  /** The x-request-id metadata of every call, in order ('' for a call without one). */
  requestIds: string[]
  /** Refuse every upload with this status (after reading the header). */
  refuseUploadsWith: grpc.status | null
  close: () => Promise<void>
}

export function sha256Hex (content: Buffer): string {
  return createHash('sha256').update(content).digest('hex')
}

/** The honest piece hashes of `content`. */
export function pieceHashes (content: Buffer, pieceSize: number): Buffer[] {
  const hashes: Buffer[] = []
  for (let offset = 0; offset < content.length; offset += pieceSize) {
    hashes.push(createHash('sha256').update(content.subarray(offset, offset + pieceSize)).digest())
  }
  return hashes
}

export async function startFakePeer (peerId = 'peer-a'): Promise<FakePeer> {
  const server = new grpc.Server(grpcServerOptions)
  const peer: FakePeer = {
    address: '',
    peerId,
    files: new Map(),
    uploads: [],
    downloads: [],
    cancelledDownloads: 0,
    requestIds: [],
    refuseUploadsWith: null,
    close: async () => { await new Promise<void>((resolve) => { server.tryShutdown(() => { resolve() }) }) }
  }

  const noteRequestId = (metadata: grpc.Metadata): void => { peer.requestIds.push(String(metadata.get('x-request-id')[0] ?? '')) }
  const handlers: PeerFilesHandlers = {
    GetFileInfo: (call, callback) => {
      noteRequestId(call.metadata)
      const file = peer.files.get(call.request.name)
      if (file == null) {
        callback({ code: grpc.status.NOT_FOUND, details: `no file named ${call.request.name}` })
        return
      }
      if (file.failWith != null && file.failInfo === true) {
        callback({ code: file.failWith, details: 'scripted failure' })
        return
      }
      const pieceSize = file.pieceSize ?? PIECE_BYTES
      const honest: FileInfo = {
        name: call.request.name, size: file.content.length, sha256: sha256Hex(file.content), pieceSize, pieceSha256: pieceHashes(file.content, pieceSize)
      }
      callback(null, { ...honest, ...file.info })
    },
    Download: (call) => {
      noteRequestId(call.metadata)
      peer.downloads.push(call.request)
      call.on('cancelled', () => { peer.cancelledDownloads += 1 })
      const file = peer.files.get(call.request.name)
      if (file == null) {
        call.emit('error', { code: grpc.status.NOT_FOUND, details: `no file named ${call.request.name}` })
        return
      }
      if (file.failWith != null) {
        call.emit('error', { code: file.failWith, details: 'scripted failure' })
        return
      }
      if (file.stall === true) return
      const { offset, length } = call.request
      if (offset > file.content.length) {
        call.emit('error', { code: grpc.status.OUT_OF_RANGE, details: 'offset past the end' })
        return
      }
      const end = length === 0 ? file.content.length : Math.min(file.content.length, offset + length)
      const step = file.chunkBytes ?? 64 * 1024
      void (async () => {
        for (let at = offset; at < end; at += step) {
          if (file.failAfterBytes != null && at - offset >= file.failAfterBytes) {
            // A moment before failing, as a peer that crashes mid-send: the status would otherwise
            // overtake the pieces already sent, and the caller would see a failure before any byte.
            await new Promise((resolve) => setTimeout(resolve, 100))
            call.emit('error', { code: grpc.status.INTERNAL, details: 'scripted failure mid-transfer' })
            return
          }
          const data = Buffer.from(file.content.subarray(at, Math.min(end, at + step)))
          if (file.corruptAt != null && file.corruptAt >= at && file.corruptAt < at + data.length) {
            data[file.corruptAt - at] = (data[file.corruptAt - at] ?? 0) ^ 0xff
          }
          if (call.cancelled) return
          if (!call.write({ data } satisfies FileChunk)) {
            await new Promise<void>((resolve) => {
              const done = (): void => { call.off('drain', done); call.off('cancelled', done); resolve() }
              call.once('drain', done)
              call.once('cancelled', done)
            })
          }
        }
        if (!call.cancelled) call.end()
      })()
    },
    Upload: (call, callback) => {
      noteRequestId(call.metadata)
      const record: UploadRecord = { header: null, bytes: 0, chunkSizes: [], sha256: '', end: null, cancelled: false, refused: false, done: false }
      peer.uploads.push(record)
      const hash = createHash('sha256')
      const refuse = (code: grpc.status, details: string): void => {
        record.refused = true
        callback({ code, details })
      }
      call.on('cancelled', () => { record.cancelled = true })
      call.on('data', (message: UploadRequest__Output) => {
        if (record.refused) return
        if (record.header == null) {
          if (message.payload !== 'header' || message.header == null) {
            refuse(grpc.status.INVALID_ARGUMENT, 'the first message of an upload must be a header')
            return
          }
          record.header = message.header
          if (peer.refuseUploadsWith != null) refuse(peer.refuseUploadsWith, 'scripted refusal')
          return
        }
        // Like a pserver: a header only first, nothing after the end.
        if (record.end != null || message.payload === 'header') {
          refuse(grpc.status.INVALID_ARGUMENT, `unexpected ${message.payload ?? 'empty'} message`)
          return
        }
        if (message.payload === 'end' && message.end != null) {
          record.end = message.end
          return
        }
        if (message.chunk != null) {
          record.bytes += message.chunk.length
          record.chunkSizes.push(message.chunk.length)
          hash.update(message.chunk)
        }
      })
      call.on('end', () => {
        if (record.refused) return
        // Like a pserver: only an end message with the right count completes an upload.
        if (record.end == null || record.end.size !== record.bytes) {
          if (call.cancelled) record.cancelled = true
          refuse(grpc.status.DATA_LOSS, 'the upload stream stopped without a matching end message')
          return
        }
        record.sha256 = hash.digest('hex')
        record.done = true
        const response: UploadResponse = { name: record.header?.name ?? '', size: record.bytes, sha256: record.sha256, peerId }
        callback(null, response)
      })
    },
    Stat: (_call, callback) => {
      callback(null, { peerId, capacityBytes: 0, freeBytes: 0, fileCount: peer.files.size, activeTransfers: 0 })
    }
  }

  server.addService(loadFileSharingProto().filesharing.v1.PeerFiles.service, handlers)
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (err != null) reject(err)
      else resolve(bound)
    })
  })
  peer.address = `127.0.0.1:${port}`
  return peer
}
