// Test helpers of the pserver's own tests: small promise wrappers around a real gRPC client's calls,
// and views of a peer's disk. Starting a real peer, polling, temporary folders and loggers come from
// @p2p/test-support (shared with other workspaces' tests) and are re-exported here.
import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { ServiceError } from '@grpc/grpc-js'
import { ERROR_CODE_METADATA_KEY, PIECE_BYTES, pieceTableDigest } from '@p2p/proto'
import type { DownloadRequest, FileInfoRequest, FileInfo__Output, PeerFilesClient, StatResponse__Output, UploadEnd, UploadHeader, UploadResponse__Output } from '@p2p/proto'
import { listDir } from '@p2p/test-support'
import { storedPathOf } from '../src/store/stored-path.js'

export { captureLogger, listDir, makeTempDir, silentLogger, waitFor } from '@p2p/test-support'
export { admitEveryTransfer, startTestPeer } from '@p2p/test-support/pserver'
export type { TestPeer, TestPeerOptions } from '@p2p/test-support/pserver'

export function sha256 (data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex')
}

/** What the store answers for a file `name` holding `content`: its size, SHA-256 and piece table digest. */
export function storedFile (name: string, content: Buffer | string): { name: string, size: number, sha256: string, piecesSha256: string } {
  const bytes = Buffer.from(content)
  const pieces: Buffer[] = []
  for (let at = 0; at < bytes.length; at += PIECE_BYTES) pieces.push(createHash('sha256').update(bytes.subarray(at, at + PIECE_BYTES)).digest())
  return { name, size: bytes.length, sha256: sha256(bytes), piecesSha256: pieceTableDigest(PIECE_BYTES, pieces) }
}

export function errorCode (err: ServiceError): string | undefined {
  return err.metadata.get(ERROR_CODE_METADATA_KEY)[0]?.toString()
}

/** Downloads into memory: fine for the small files of tests, never for a service. */
export async function download (client: PeerFilesClient, request: DownloadRequest): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const chunk of client.Download(request)) parts.push((chunk as { data: Buffer }).data)
  return Buffer.concat(parts)
}

export async function downloadError (client: PeerFilesClient, request: DownloadRequest): Promise<ServiceError> {
  try {
    await download(client, request)
  } catch (err) {
    return err as ServiceError
  }
  throw new Error('the download succeeded')
}

/**
 * Uploads `chunks` under `header`, then the end message: by default the true byte count (and no
 * hash); `end` overrides it, and null sends none (a sender cut off after its last chunk).
 */
export async function upload (client: PeerFilesClient, header: UploadHeader, chunks: Array<Buffer | string>, end?: UploadEnd | null): Promise<UploadResponse__Output> {
  return await new Promise((resolve, reject) => {
    const call = client.Upload((err, response) => {
      if (err != null) reject(err)
      else if (response == null) reject(new Error('no response'))
      else resolve(response)
    })
    call.write({ header })
    let size = 0
    // A string given to a bytes field would be read as base64: send its UTF-8 bytes.
    for (const chunk of chunks) {
      const data = Buffer.from(chunk)
      size += data.length
      call.write({ chunk: data })
    }
    if (end !== null) call.write({ end: end ?? { size } })
    call.end()
  })
}

export async function uploadError (client: PeerFilesClient, header: UploadHeader, chunks: Array<Buffer | string>, end?: UploadEnd | null): Promise<ServiceError> {
  try {
    await upload(client, header, chunks, end)
  } catch (err) {
    return err as ServiceError
  }
  throw new Error('the upload succeeded')
}

export async function fileInfo (client: PeerFilesClient, request: FileInfoRequest): Promise<FileInfo__Output> {
  return await new Promise((resolve, reject) => {
    client.GetFileInfo(request, (err, response) => {
      if (err != null) reject(err)
      else if (response == null) reject(new Error('no response'))
      else resolve(response)
    })
  })
}

export async function fileInfoError (client: PeerFilesClient, request: FileInfoRequest): Promise<ServiceError> {
  try {
    await fileInfo(client, request)
  } catch (err) {
    return err as ServiceError
  }
  throw new Error('GetFileInfo succeeded')
}

/** The bytes stored under `name` in a peer's DATA_DIR, read from its disk (small test files only). */
export async function readStored (dataDir: string, name: string): Promise<Buffer> {
  const file = await storedPathOf(dataDir, name)
  if (file == null) throw new Error(`"${name}" is not in the name index of ${dataDir}`)
  return await fs.readFile(file)
}

/** The contents (not names) stored in a peer's DATA_DIR: blob digests, without their metadata files. */
export async function storedContents (dataDir: string): Promise<string[]> {
  return (await listDir(path.join(dataDir, 'blobs'))).filter((entry) => !entry.endsWith('.meta'))
}

export async function stat (client: PeerFilesClient): Promise<StatResponse__Output> {
  return await new Promise((resolve, reject) => {
    client.Stat({}, (err, response) => {
      if (err != null) reject(err)
      else if (response == null) reject(new Error('no response'))
      else resolve(response)
    })
  })
}
