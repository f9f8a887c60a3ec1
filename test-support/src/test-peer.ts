// A real pserver for a test (entry `@p2p/test-support/pserver`): the gRPC service over a disk store
// in a temporary DATA_DIR, bound to 127.0.0.1:0, with a real gRPC client to it. Built through the
// pserver's public test entry (`@p2p/pserver/testing`), never its src/ paths.
import fs from 'node:fs/promises'
import path from 'node:path'
import { createCentralClient } from '@p2p/proto'
import { createPeerFilesClient } from '@p2p/proto/grpc'
import type { PeerFilesClient, TransferMeter } from '@p2p/proto'
import { LEGACY_FILES_DIR, bindServer, createDiskFileStore, createPeerServer } from '@p2p/pserver/testing'
import type { FileStore, OpenFile, PeerServer, TicketGate } from '@p2p/pserver/testing'
import type { Logger } from 'pino'
import { silentLogger } from './loggers.js'
import { makeTempDir } from './temp-dir.js'

/**
 * Admits every transfer. The handler tests are about streaming and storage; the real gate is tested on
 * its own (pserver/test/auth/ticket-gate.test.ts) and against real tickets from a real central in e2e/.
 */
export const admitEveryTransfer: TicketGate = {
  verify: async (_metadata, kind) => ({ kind, name: 'any', size: Number.MAX_SAFE_INTEGER, peers: ['peer-test'] }),
  assertUploadOf: () => {},
  assertDownloadOf: () => {}
}

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
  /** Counts the peer's transfers (its metrics); default: not counted. */
  meter?: (store: FileStore) => TransferMeter
  /** The peer's logger (e.g. captureLogger's, to assert on its lines); default: silent. */
  logger?: Logger
  /** Caps how fast the peer sends (its SEND_BYTES_PER_SECOND); default: no cap. */
  sendBytesPerSecond?: number
}

export async function startTestPeer (options: TestPeerOptions = {}): Promise<TestPeer> {
  const dataDir = await makeTempDir('pserver-test-')
  const filesDir = path.join(dataDir, LEGACY_FILES_DIR)
  await fs.mkdir(filesDir)
  for (const [name, content] of Object.entries(options.files ?? {})) {
    await fs.writeFile(path.join(filesDir, name), content)
  }
  await options.prepare?.(filesDir)
  const realStore = createDiskFileStore({ dataDir, capacityBytes: options.capacityBytes ?? 1024 ** 3, logger: silentLogger, openFile: options.openFile })
  await realStore.start()
  const store = options.wrapStore?.(realStore) ?? realStore
  // The announcer is not started here, so without centralUrl no central is ever called (the e2e tests use a real one).
  const central = createCentralClient({ baseUrl: options.centralUrl ?? 'http://127.0.0.1:9' })
  const peer = createPeerServer({
    store,
    central,
    peerId: 'peer-test',
    tickets: options.tickets ?? admitEveryTransfer,
    logger: options.logger ?? silentLogger,
    uploadIdleTimeoutMs: options.uploadIdleTimeoutMs,
    ...(options.sendBytesPerSecond == null ? {} : { sendBytesPerSecond: options.sendBytesPerSecond }),
    ...(options.meter == null ? {} : { meter: options.meter(store) })
  })
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
