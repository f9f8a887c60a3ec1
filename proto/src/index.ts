// Everything the services share, from one import: '@p2p/proto'. Two smaller entries load less:
// '@p2p/proto/runtime' (running a service) and '@p2p/proto/directory' (what the central needs).
//   contracts/       the .proto's loader and tuning, the central's REST schemas, file names, metadata keys
//   auth/            cluster keys, signed requests, transfer tickets
//   central-client/  the typed client of the central's REST API
//   hashing/         the SHA-256 worker thread that hashes pieces and whole contents
//   runtime/         running a service: config from the environment, listen, drain and shut down,
//                    metrics, request ids, byte sizes, validation messages
export * from './directory.js'
export * from './contracts/grpc-options.js'
export { isAcceptedPieceSize, pieceBytesFor } from './contracts/piece-size.js'
// gRPC's client code is at '@p2p/proto/grpc' (grpc.ts); only its types are here.
export type { PeerFilesClientOptions } from './contracts/grpc-loader.js'
export { withMethodSerializer } from './contracts/method-serializer.js'
export type { PeerFilesClient, PeerFilesHandlers } from './generated/filesharing/v1/PeerFiles.js'
export type { DownloadRequest, DownloadRequest__Output } from './generated/filesharing/v1/DownloadRequest.js'
export type { FileChunk, FileChunk__Output } from './generated/filesharing/v1/FileChunk.js'
export type { UploadHeader, UploadHeader__Output } from './generated/filesharing/v1/UploadHeader.js'
export type { UploadRequest, UploadRequest__Output } from './generated/filesharing/v1/UploadRequest.js'
export type { UploadResponse, UploadResponse__Output } from './generated/filesharing/v1/UploadResponse.js'
export type { StatRequest, StatRequest__Output } from './generated/filesharing/v1/StatRequest.js'
export type { StatResponse, StatResponse__Output } from './generated/filesharing/v1/StatResponse.js'
export type { UploadEnd, UploadEnd__Output } from './generated/filesharing/v1/UploadEnd.js'
export type { FileInfoRequest, FileInfoRequest__Output } from './generated/filesharing/v1/FileInfoRequest.js'
export type { FileInfo, FileInfo__Output } from './generated/filesharing/v1/FileInfo.js'
export * from './central-client/central-client.js'
export * from './central-client/central-urls.js'
export { createHashWorker, sharedHashWorker } from './hashing/hash-worker.js'
export type { HashWorker, HashWorkerOptions } from './hashing/hash-worker.js'
export type { HashJob, HashJobOptions, HashResult, PieceCutting } from './hashing/hash-job.js'
export { hashFile } from './hashing/hash-file.js'
export { pieceTableDigest } from './hashing/piece-table-digest.js'
export type { HashFileOptions } from './hashing/hash-file.js'
