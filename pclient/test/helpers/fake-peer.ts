// A real gRPC PeerFiles server on 127.0.0.1:0 whose behaviour each test scripts: which files it serves
// (optionally corrupted or failing), and what it does with uploads. It stands in for a pserver so the
// transfer modules can be tested without the other services.
import { createHash } from 'node:crypto'
import * as grpc from '@grpc/grpc-js'
import { grpcServerOptions, loadFileSharingProto } from '@p2p/proto'
import type { FileChunk, PeerFilesHandlers, UploadHeader__Output, UploadResponse } from '@p2p/proto'

export interface FakeFile {
  content: Buffer
  /** Chunk size the download is sent in. */
  chunkBytes?: number
  /** Flip one byte of the last chunk, so the SHA-256 does not match. */
  corrupt?: boolean
  /** Answer with this status before sending any byte. */
  failWith?: grpc.status
}

export interface UploadRecord {
  header: UploadHeader__Output | null
  bytes: number
  sha256: string
  cancelled: boolean
  /** The fake answered with an error (a scripted refusal, or a protocol violation). */
  refused: boolean
  done: boolean
}

export interface FakePeer {
  address: string
  peerId: string
  files: Map<string, FakeFile>
  uploads: UploadRecord[]
  /** Downloads whose caller cancelled. */
  cancelledDownloads: number
  /** Refuse every upload with this status (after reading the header). */
  refuseUploadsWith: grpc.status | null
  close: () => Promise<void>
}

export async function startFakePeer (peerId = 'peer-a'): Promise<FakePeer> {
  const server = new grpc.Server(grpcServerOptions)
  const peer: FakePeer = {
    address: '',
    peerId,
    files: new Map(),
    uploads: [],
    cancelledDownloads: 0,
    refuseUploadsWith: null,
    close: async () => { await new Promise<void>((resolve) => { server.tryShutdown(() => { resolve() }) }) }
  }

  const handlers: PeerFilesHandlers = {
    Download: (call) => {
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
      const step = file.chunkBytes ?? 64 * 1024
      void (async () => {
        for (let offset = 0; offset < file.content.length; offset += step) {
          let data = Buffer.from(file.content.subarray(offset, offset + step))
          if (file.corrupt === true && offset + step >= file.content.length) {
            data = Buffer.from(data)
            data[data.length - 1] = (data[data.length - 1] ?? 0) ^ 0xff
          }
          if (call.cancelled) return
          if (!call.write({ data } satisfies FileChunk)) {
            await new Promise<void>((resolve) => { call.once('drain', resolve); call.once('cancelled', resolve) })
          }
        }
        if (!call.cancelled) call.end()
      })()
    },
    Upload: (call, callback) => {
      const record: UploadRecord = { header: null, bytes: 0, sha256: '', cancelled: false, refused: false, done: false }
      peer.uploads.push(record)
      const hash = createHash('sha256')
      call.on('cancelled', () => { record.cancelled = true })
      call.on('data', (message: { header?: UploadHeader__Output | null, chunk?: Buffer }) => {
        if (record.refused) return
        if (record.header == null) {
          record.header = message.header ?? null
          if (peer.refuseUploadsWith != null) {
            record.refused = true
            callback({ code: peer.refuseUploadsWith, details: 'scripted refusal' })
          }
          return
        }
        if (message.header != null) {
          // Like a pserver: only the first message may be a header.
          record.refused = true
          callback({ code: grpc.status.INVALID_ARGUMENT, details: 'only the first message of an upload may be a header' })
          return
        }
        if (message.chunk != null) {
          record.bytes += message.chunk.length
          hash.update(message.chunk)
        }
      })
      call.on('end', () => {
        // A cancelled call ends its stream too; like a pserver, only a half-close completes an upload.
        if (call.cancelled) record.cancelled = true
        if (call.cancelled || record.refused) return
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

export function sha256Hex (content: Buffer): string {
  return createHash('sha256').update(content).digest('hex')
}
