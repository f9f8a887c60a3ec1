// Test helpers: a real peer on 127.0.0.1:0 over a temporary DATA_DIR, a real gRPC client, and
// small promise wrappers around the client's calls.
import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import type { ServiceError } from '@grpc/grpc-js'
import { pino } from 'pino'
import type { Logger } from 'pino'
import { ERROR_CODE_METADATA_KEY, createCentralClient, createPeerFilesClient } from '@p2p/proto'
import type { DownloadRequest, FileInfoRequest, FileInfo__Output, PeerFilesClient, StatResponse__Output, UploadEnd, UploadHeader, UploadResponse__Output } from '@p2p/proto'
import { bindServer, createPeerServer } from '../src/app.js'
import type { PeerServer } from '../src/app.js'
import { createDiskFileStore } from '../src/store/disk-file-store.js'
import type { FileStore } from '../src/store/file-store.js'
import { storedPathOf } from '../src/store/layout.js'
import type { OpenFile } from '../src/store/upload-session.js'
import type { TicketGate } from '../src/auth/ticket-gate.js'

/**
 * Admits every transfer. The handler tests are about streaming and storage; the real gate is tested on
 * its own (test/auth/ticket-gate.test.ts) and against real tickets from a real central in e2e/.
 */
export const admitEveryTransfer: TicketGate = {
  verify: async (_metadata, kind) => ({ kind, name: 'any', size: Number.MAX_SAFE_INTEGER, peers: ['peer-test'] }),
  assertUploadOf: () => {},
  assertDownloadOf: () => {}
}

export async function makeTempDir (): Promise<string> {
  return await fs.mkdtemp(path.join(os.tmpdir(), 'pserver-test-'))
}

/** A logger that keeps its lines, to assert on warnings. */
export function captureLogger (): { logger: Logger, lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = []
  const sink = new Writable({
    write (chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
      done()
    }
  })
  return { logger: pino({ level: 'info' }, sink), lines }
}

export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })

export interface TestPeer {
  /** 127.0.0.1:port of the peer's gRPC server. */
  address: string
  dataDir: string
  store: FileStore
  peer: PeerServer
  client: PeerFilesClient
  close: () => Promise<void>
}

export interface TestPeerOptions {
  capacityBytes?: number
  /** Files written into DATA_DIR/files (the import folder) before the store starts. */
  files?: Record<string, Buffer | string>
  /** Runs before the store starts, with the path of DATA_DIR/files (e.g. to stream a big file in). */
  prepare?: (filesDir: string) => Promise<void>
  /** Wraps the real store, e.g. to observe the streams it opens. */
  wrapStore?: (store: FileStore) => FileStore
  uploadIdleTimeoutMs?: number
  /** Opens the temporary files of uploads (e.g. a disk that holds writes back). */
  openFile?: OpenFile
  /** Default: admitEveryTransfer. */
  tickets?: TicketGate
  /** The central the peer's announcer talks to once a test starts it; by default nothing answers there. */
  centralUrl?: string
}

export async function startTestPeer (options: TestPeerOptions = {}): Promise<TestPeer> {
  const dataDir = await makeTempDir()
  await fs.mkdir(path.join(dataDir, 'files'))
  for (const [name, content] of Object.entries(options.files ?? {})) {
    await fs.writeFile(path.join(dataDir, 'files', name), content)
  }
  await options.prepare?.(path.join(dataDir, 'files'))
  const realStore = createDiskFileStore({ dataDir, capacityBytes: options.capacityBytes ?? 1024 ** 3, logger: silentLogger, openFile: options.openFile })
  await realStore.start()
  const store = options.wrapStore?.(realStore) ?? realStore
  // The announcer is not started here, so without centralUrl no central is ever called (the e2e tests use a real one).
  const central = createCentralClient({ baseUrl: options.centralUrl ?? 'http://127.0.0.1:9' })
  const peer = createPeerServer({ store, central, peerId: 'peer-test', tickets: options.tickets ?? admitEveryTransfer, logger: silentLogger, uploadIdleTimeoutMs: options.uploadIdleTimeoutMs })
  const port = await bindServer(peer.grpcServer, '127.0.0.1', 0)
  const client = createPeerFilesClient(`127.0.0.1:${port}`)
  return {
    address: `127.0.0.1:${port}`,
    dataDir,
    store,
    peer,
    client,
    close: async () => {
      client.close()
      await peer.close()
      await fs.rm(dataDir, { recursive: true, force: true })
    }
  }
}

export function sha256 (data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex')
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

/** Polls `check` until it returns true; fails after `timeoutMs`. */
export async function waitFor (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

export async function listDir (dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).sort()
}
