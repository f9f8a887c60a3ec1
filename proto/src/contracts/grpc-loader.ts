// Loads filesharing.proto at run time with exactly the flags the committed types were generated
// with (see the `gen` script in package.json), so the types describe the objects on the wire.
import { fileURLToPath } from 'node:url'
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'
import type { ProtoGrpcType } from '../generated/filesharing.js'
import type { PeerFilesClient } from '../generated/filesharing/v1/PeerFiles.js'
import { withUploadChunksFreedOnceEncoded } from './freed-upload-chunks.js'
import { grpcChannelOptions } from './grpc-options.js'
import { REQUEST_ID_METADATA_KEY, TICKET_METADATA_KEY, TRANSFER_PURPOSE_METADATA_KEY } from './grpc-metadata.js'

const PROTO_PATH = fileURLToPath(new URL('../../filesharing.proto', import.meta.url))

const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true
}

let cached: ProtoGrpcType | undefined

export function loadFileSharingProto (): ProtoGrpcType {
  if (cached == null) {
    const definition = protoLoader.loadSync(PROTO_PATH, LOADER_OPTIONS)
    cached = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType
  }
  return cached
}

export interface PeerFilesClientOptions {
  /** A transfer ticket from the central, sent in the metadata of every call made through this client. */
  ticket?: string
  /** 'replication': the calls fetch a copy the central ordered (sent as TRANSFER_PURPOSE_METADATA_KEY). */
  purpose?: 'replication'
  /** The request id of the transfer these calls serve, sent in their metadata so the peer logs it too. */
  requestId?: string
}

type PeerFilesConstructor = ProtoGrpcType['filesharing']['v1']['PeerFiles']
let clientConstructor: PeerFilesConstructor | undefined

/** PeerFiles' client class, whose Upload calls free marked chunks once encoded (freed-upload-chunks.ts). */
function peerFilesClientConstructor (): PeerFilesConstructor {
  clientConstructor ??= grpc.makeClientConstructor(
    withUploadChunksFreedOnceEncoded(loadFileSharingProto().filesharing.v1.PeerFiles.service), 'PeerFiles'
  ) as unknown as PeerFilesConstructor
  return clientConstructor
}

/** A client for one peer's file service at `address` (host:port), with the project's channel options. */
export function createPeerFilesClient (address: string, options: PeerFilesClientOptions = {}): PeerFilesClient {
  const PeerFiles = peerFilesClientConstructor()
  const entries: Array<[string, string]> = []
  if (options.ticket != null) entries.push([TICKET_METADATA_KEY, options.ticket])
  if (options.purpose != null) entries.push([TRANSFER_PURPOSE_METADATA_KEY, options.purpose])
  if (options.requestId != null) entries.push([REQUEST_ID_METADATA_KEY, options.requestId])
  const interceptors = entries.length === 0 ? [] : [metadataInterceptor(entries)]
  return new PeerFiles(address, grpc.credentials.createInsecure(), { ...grpcChannelOptions, interceptors })
}

/** Adds `entries` to the metadata of every call. */
function metadataInterceptor (entries: ReadonlyArray<[string, string]>): grpc.Interceptor {
  return (callOptions, nextCall) => new grpc.InterceptingCall(nextCall(callOptions), {
    start (metadata, listener, next) {
      for (const [key, value] of entries) metadata.set(key, value)
      next(metadata, listener)
    }
  })
}
