// A typed client of the central's REST API, shared by pserver (announce, heartbeat) and pclient
// (locate, place, list). Answers are parsed with the same zod schemas the central serves them with.
import type { z } from 'zod'
import {
  errorBodySchema, healthResponseSchema, leaseSchema, listFilesResponseSchema, listPeersResponseSchema,
  copyRequestResponseSchema, locateResponseSchema, placementResponseSchema, replicationReportSchema
} from './central-api.js'
import { signRequest } from './auth/request-signature.js'
import type {
  AnnounceFileBody, FileView, HealthResponse, HeartbeatBody, Lease, LocatedFile, PeerView, Placement, PlacementBody, RegisterPeerBody,
  ReplicationReport, CopyRequestResponse
} from './central-api.js'

/** The central answered with an error: `code` is its stable error code (see CentralErrorCode). */
export class CentralRequestError extends Error {
  constructor (readonly statusCode: number, readonly code: string, message: string) {
    super(message)
    this.name = 'CentralRequestError'
  }
}

/** The central could not be reached, or did not answer in time. */
export class CentralUnreachableError extends Error {
  readonly code = 'CENTRAL_UNREACHABLE'
  constructor (readonly baseUrl: string, options: { cause: unknown }) {
    super(`the central directory at ${baseUrl} is unreachable`, options)
    this.name = 'CentralUnreachableError'
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
  /** Per-request timeout. */
  timeoutMs?: number
  /**
   * Signs every request as this cluster member (key: deriveClusterKeys(secret).peerRequests). The
   * central refuses unsigned requests to every route that changes the directory or hands out tickets.
   */
  signer?: { id: string, key: Uint8Array }
}

export function createCentralClient (options: CentralClientOptions): CentralClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  const timeoutMs = options.timeoutMs ?? 10_000

  async function call<T> (method: string, path: string, body: unknown, schema: z.ZodType<T> | null): Promise<T> {
    let response: Response
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const headers: Record<string, string> = payload === undefined ? {} : { 'content-type': 'application/json' }
    if (options.signer != null) {
      Object.assign(headers, signRequest(options.signer.key, { signer: options.signer.id, method, path, body: payload ?? '' }))
    }
    try {
      response = await fetch(baseUrl + path, {
        method,
        headers,
        body: payload,
        signal: AbortSignal.timeout(timeoutMs)
      })
    } catch (err) {
      throw new CentralUnreachableError(baseUrl, { cause: err })
    }
    const text = await response.text()
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

function safeJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
