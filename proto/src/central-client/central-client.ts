// A typed client of the central's REST API, shared by pserver (announce, heartbeat) and pclient
// (locate, place, list). Answers are parsed with the same zod schemas the central serves them with.
import type { z } from 'zod'
import {
  errorBodySchema, healthResponseSchema, leaseSchema, listFilesResponseSchema, listPeersResponseSchema,
  copyRequestResponseSchema, locateResponseSchema, placementResponseSchema, replicationReportSchema
} from '../contracts/central-api.js'
import { signRequest } from '../auth/request-signature.js'
import type {
  AnnounceFileBody, FileView, HealthResponse, HeartbeatBody, Lease, LocatedFile, PeerView, Placement, PlacementBody, RegisterPeerBody,
  ReplicationReport, CopyRequestResponse
} from '../contracts/central-api.js'

/** The central answered with an error: `code` is its stable error code (see CentralErrorCode). */
export class CentralRequestError extends Error {
  constructor (readonly statusCode: number, readonly code: string, message: string) {
    super(message)
    this.name = 'CentralRequestError'
  }
}

/**
 * How long a call waits for the central's whole answer by default. Every call is a directory lookup or
 * update that the central answers from memory in milliseconds; a central that has not answered in 2 s
 * is down or stalled (a stopped process still has its connections accepted by the kernel), and the
 * person waiting on a page is better served by an answer saying so.
 */
export const DEFAULT_CENTRAL_TIMEOUT_MS = 2_000

/** The central could not be reached, or did not answer in time (then `timeoutMs` is set). */
export class CentralUnreachableError extends Error {
  readonly code = 'CENTRAL_UNREACHABLE'
  readonly timeoutMs: number | null
  constructor (readonly baseUrl: string, options: { cause: unknown, timeoutMs?: number }) {
    super(options.timeoutMs != null
      ? `the central directory at ${baseUrl} did not answer within ${options.timeoutMs} ms`
      : `the central directory at ${baseUrl} is unreachable${describeCause(options.cause)}`, { cause: options.cause })
    this.name = 'CentralUnreachableError'
    this.timeoutMs = options.timeoutMs ?? null
  }
}

export interface CentralClient {
  register: (body: RegisterPeerBody) => Promise<Lease>
  /** Throws CentralRequestError with code CENTRAL_PEER_UNKNOWN when the peer must register again. */
  heartbeat: (peerId: string, body: HeartbeatBody) => Promise<Lease>
  announceFile: (peerId: string, body: AnnounceFileBody) => Promise<void>
  leave: (peerId: string) => Promise<void>
  listPeers: () => Promise<PeerView[]>
  listFiles: () => Promise<FileView[]>
  /** Holders of the file, least loaded first, with a download ticket good at each of them. */
  locate: (name: string) => Promise<LocatedFile>
  place: (body: PlacementBody) => Promise<Placement>
  health: () => Promise<HealthResponse>
  /** Asks the central to have `peerId` keep a copy of `name` (signed by that peer or its pclient). */
  requestCopy: (peerId: string, name: string) => Promise<CopyRequestResponse>
  /** Replica counts: the files below the replication factor and the files lost. */
  replication: () => Promise<ReplicationReport>
}

export interface CentralClientOptions {
  /** e.g. http://127.0.0.1:8000 */
  baseUrl: string
  /** How long one call may take, from connecting to the end of the answer; DEFAULT_CENTRAL_TIMEOUT_MS by default. */
  timeoutMs?: number
  /**
   * Signs every request as this cluster member (key: deriveClusterKeys(secret).peerRequests). The
   * central refuses unsigned requests to every route that changes the directory or hands out tickets.
   */
  signer?: { id: string, key: Uint8Array }
}

export function createCentralClient (options: CentralClientOptions): CentralClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  const timeoutMs = options.timeoutMs ?? DEFAULT_CENTRAL_TIMEOUT_MS

  async function call<T> (method: string, path: string, body: unknown, schema: z.ZodType<T> | null): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const headers: Record<string, string> = payload === undefined ? {} : { 'content-type': 'application/json' }
    if (options.signer != null) {
      Object.assign(headers, signRequest(options.signer.key, { signer: options.signer.id, method, path, body: payload ?? '' }))
    }
    // One deadline for connecting, the headers and the body: a central that accepts the connection and
    // then says nothing (a stopped process) fails as fast as one that refuses it.
    const signal = AbortSignal.timeout(timeoutMs)
    let response: Response
    let text: string
    try {
      response = await fetch(baseUrl + path, { method, headers, body: payload, signal })
      text = await response.text()
    } catch (err) {
      throw new CentralUnreachableError(baseUrl, signal.aborted ? { cause: err, timeoutMs } : { cause: err })
    }
    if (!response.ok) {
      const parsed = errorBodySchema.safeParse(safeJson(text))
      throw parsed.success
        ? new CentralRequestError(response.status, parsed.data.error, parsed.data.message)
        : new CentralRequestError(response.status, 'CENTRAL_BAD_RESPONSE', `the central answered ${response.status} without an error body`)
    }
    if (schema == null) return undefined as T
    const parsed = schema.safeParse(safeJson(text))
    if (!parsed.success) {
      throw new CentralRequestError(502, 'CENTRAL_BAD_RESPONSE', `the central's answer to ${method} ${path} does not match the API: ${parsed.error.message}`)
    }
    return parsed.data
  }

  const peerPath = (peerId: string): string => `/peers/${encodeURIComponent(peerId)}`

  return {
    register: async (body) => await call('POST', '/peers', body, leaseSchema),
    heartbeat: async (peerId, body) => await call('PUT', `${peerPath(peerId)}/heartbeat`, body, leaseSchema),
    announceFile: async (peerId, body) => { await call('POST', `${peerPath(peerId)}/files`, body, null) },
    leave: async (peerId) => { await call('DELETE', peerPath(peerId), undefined, null) },
    listPeers: async () => (await call('GET', '/peers', undefined, listPeersResponseSchema)).peers,
    listFiles: async () => (await call('GET', '/files', undefined, listFilesResponseSchema)).files,
    locate: async (name) => await call('GET', `/files/${encodeURIComponent(name)}`, undefined, locateResponseSchema),
    place: async (body) => await call('POST', '/placements', body, placementResponseSchema),
    health: async () => await call('GET', '/health', undefined, healthResponseSchema),
    requestCopy: async (peerId, name) => await call('POST', `${peerPath(peerId)}/copies`, { name }, copyRequestResponseSchema),
    replication: async () => await call('GET', '/replication', undefined, replicationReportSchema)
  }
}

/** ' (ECONNREFUSED)': the system's reason, when fetch has one under its generic 'fetch failed'. */
function describeCause (cause: unknown): string {
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause
  const code = inner instanceof Error && 'code' in inner && typeof inner.code === 'string' ? inner.code : null
  return code != null ? ` (${code})` : ''
}

function safeJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
