// Builds a central app for tests with a clock they move by hand, plus request shortcuts that sign like
// createCentralClient does (signRequest over the exact body sent), at the app's own clock.
import { deriveClusterKeys, signRequest } from '@p2p/proto'
import type { FileView, PeerView, RegisterPeerBody } from '@p2p/proto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildCentralApp } from '../../src/app.js'
import type { CentralAppOptions } from '../../src/app.js'
import type { DirectoryStore } from '../../src/store/directory-store.js'
import { createMemoryDirectoryStore } from '../../src/store/memory/index.js'

export const HEARTBEAT_INTERVAL_MS = 1000
export const EXPIRES_AFTER_MS = 3 * HEARTBEAT_INTERVAL_MS
export const TEST_CLUSTER_SECRET = 'test-cluster-secret-0123456789abcdef0123456789abcdef'
export const TEST_KEYS = deriveClusterKeys(TEST_CLUSTER_SECRET)
/** How the tests' stand-in for a pclient signs. */
export const CLIENT_SIGNER = 'pclient:test'

export interface ManualClock {
  now: () => number
  advance: (ms: number) => void
}

export function createManualClock (start = Date.UTC(2026, 0, 1)): ManualClock {
  let time = start
  return { now: () => time, advance: (ms) => { time += ms } }
}

export interface TestCentral {
  app: FastifyInstance
  clock: ManualClock
  store: DirectoryStore
}

/** Each test app's clock, so the request helpers below sign at the app's "now". */
const clocks = new WeakMap<FastifyInstance, ManualClock>()

export interface TestCentralOptions {
  reservationTtlMs?: number
  store?: DirectoryStore
  config?: Partial<CentralAppOptions['config']>
  logger?: CentralAppOptions['logger']
  metrics?: CentralAppOptions['metrics']
  storeKind?: CentralAppOptions['storeKind']
}

export function buildTestCentral (options: TestCentralOptions = {}): TestCentral {
  const clock = createManualClock()
  const store = options.store ?? createMemoryDirectoryStore()
  const app = buildCentralApp({
    config: { heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS, ...options.config },
    clusterSecret: TEST_CLUSTER_SECRET,
    store,
    now: clock.now,
    ...(options.reservationTtlMs == null ? {} : { reservationTtlMs: options.reservationTtlMs }),
    ...(options.logger == null ? {} : { logger: options.logger }),
    ...(options.metrics == null ? {} : { metrics: options.metrics }),
    ...(options.storeKind == null ? {} : { storeKind: options.storeKind })
  })
  clocks.set(app, clock)
  return { app, clock, store }
}

export interface SignedRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  url: string
  /** Sent as JSON; a string is sent as it is (for malformed JSON). */
  payload?: unknown
  /** Who signs; null sends the request unsigned. */
  signer: string | null
  /** Default: the cluster's request key. */
  key?: Uint8Array
  /** Default: the app's clock. */
  signedAt?: number
  /** Signs these bytes instead of the payload (a body changed after signing). */
  signedBody?: string
  /** Signs this path instead of the url (a path changed after signing). */
  signedPath?: string
  /** Signs this method instead of the one sent. */
  signedMethod?: string
  headers?: Record<string, string>
  remoteAddress?: string
}

export async function send (app: FastifyInstance, request: SignedRequest): Promise<LightMyRequestResponse> {
  const body = request.payload === undefined ? undefined : typeof request.payload === 'string' ? request.payload : JSON.stringify(request.payload)
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' }
  if (request.signer != null) {
    const signedAt = request.signedAt ?? clocks.get(app)?.now() ?? Date.now()
    Object.assign(headers, signRequest(request.key ?? TEST_KEYS.peerRequests, {
      signer: request.signer, method: request.signedMethod ?? request.method, path: request.signedPath ?? request.url, body: request.signedBody ?? body ?? ''
    }, signedAt))
  }
  return await app.inject({
    method: request.method,
    url: request.url,
    headers: { ...headers, ...request.headers },
    ...(body === undefined ? {} : { payload: body }),
    ...(request.remoteAddress == null ? {} : { remoteAddress: request.remoteAddress })
  })
}

/** A distinct, valid SHA-256 for each seed character. */
export function sha (seed: string): string {
  return seed.repeat(64).slice(0, 64)
}

export function peerBody (peerId: string, overrides: Partial<RegisterPeerBody> = {}): RegisterPeerBody {
  return {
    peerId,
    grpcAddress: `127.0.0.1:${50_000 + peerId.length}`,
    capacityBytes: 1000,
    freeBytes: 1000,
    activeTransfers: 0,
    files: [],
    ...overrides
  }
}

const peerPath = (peerId: string): string => `/peers/${encodeURIComponent(peerId)}`

/** Registers, signed by the peer itself. */
export async function register (app: FastifyInstance, body: RegisterPeerBody): Promise<LightMyRequestResponse> {
  return await send(app, { method: 'POST', url: '/peers', payload: body, signer: body.peerId })
}

export async function heartbeat (
  app: FastifyInstance, peerId: string, body: { freeBytes: number, activeTransfers?: number, replicating?: string[], uploading?: string[] }
): Promise<LightMyRequestResponse> {
  return await send(app, { method: 'PUT', url: `${peerPath(peerId)}/heartbeat`, payload: body, signer: peerId })
}

export async function announce (
  app: FastifyInstance, peerId: string, body: { name: string, size: number, sha256: string, piecesSha256?: string, freeBytes: number }
): Promise<LightMyRequestResponse> {
  return await send(app, { method: 'POST', url: `${peerPath(peerId)}/files`, payload: body, signer: peerId })
}

export async function leave (app: FastifyInstance, peerId: string): Promise<LightMyRequestResponse> {
  return await send(app, { method: 'DELETE', url: peerPath(peerId), signer: peerId })
}

/** Places an upload, signed as a pclient. */
export async function place (app: FastifyInstance, body: unknown): Promise<LightMyRequestResponse> {
  return await send(app, { method: 'POST', url: '/placements', payload: body, signer: CLIENT_SIGNER })
}

/** Locates a file, signed as a pclient. */
export async function locate (app: FastifyInstance, name: string): Promise<LightMyRequestResponse> {
  return await send(app, { method: 'GET', url: `/files/${encodeURIComponent(name)}`, signer: CLIENT_SIGNER })
}

/** GETs a JSON answer (signed as a pclient, which public routes ignore); throws on any other status than 200. */
export async function getJson<T = unknown> (app: FastifyInstance, url: string): Promise<T> {
  const response = await send(app, { method: 'GET', url, signer: CLIENT_SIGNER })
  if (response.statusCode !== 200) throw new Error(`GET ${url} answered ${response.statusCode}: ${response.body}`)
  return response.json<T>()
}

export interface DirectorySnapshot {
  peers: PeerView[]
  files: FileView[]
}

/** What anyone can see of the directory, to compare before and after a refused request. */
export async function snapshot (app: FastifyInstance): Promise<DirectorySnapshot> {
  const [peers, files] = await Promise.all([
    getJson<{ peers: PeerView[] }>(app, '/peers'), getJson<{ files: FileView[] }>(app, '/files')
  ])
  return { peers: peers.peers, files: files.files }
}

/** The snapshot plus how many reservations (upload claims and copy orders) are running: a refused request adds none. */
export async function stateOf (central: TestCentral): Promise<DirectorySnapshot & { reservations: number }> {
  const at = central.clock.now()
  const counts = await central.store.countDirectory({ at, seenAfter: at - EXPIRES_AFTER_MS, replicationFactor: 2 })
  return { ...await snapshot(central.app), reservations: counts.copiesOrdered + counts.uploadsPlaced }
}
