// A typed client of the central's REST API, shared by pserver (announce, heartbeat) and pclient
// (locate, place, list). Answers are parsed with the same zod schemas the central serves them with.
// It may be given several addresses of the central: a call that finds one down moves to the next
// (failover.ts), and listings are read a page at a time (list-pages.ts walks them when all is wanted).
import type { z } from 'zod'
import {
  errorBodySchema, healthResponseSchema, leaseSchema, listFilesResponseSchema, listPeersResponseSchema,
  copyRequestResponseSchema, deleteFileResponseSchema, locateResponseSchema, placementResponseSchema, replicationReportSchema
} from '../contracts/central-api.js'
import { DELETE_TOKEN_HEADER } from '../auth/delete-token.js'
import { signRequest } from '../auth/request-signature.js'
import { REQUEST_ID_HEADER } from '../runtime/request-id.js'
import type {
  AnnounceFileBody, DeletedFile, FileView, HealthResponse, HeartbeatBody, Lease, LocatedFile, PeerView, Placement, PlacementBody, RegisterPeerBody,
  ReplicationReport, CopyRequestResponse
} from '../contracts/central-api.js'
import { CentralRequestError, CentralUnreachableError } from './central-errors.js'
import { exchangeText } from './exchange-text.js'
import type { TextAnswer } from './exchange-text.js'
import { UNAVAILABLE_STATUSES, createCentralAddresses, unreachableOutcome } from './failover.js'
import type { RetryPolicy, TryOutcome } from './failover.js'
import { LIST_WALK_PAGE_SIZE, walkPages } from './list-pages.js'

export { CentralRequestError, CentralUnreachableError } from './central-errors.js'
export { LIST_TOO_LONG, LIST_WALK_MAX_PAGES, LIST_WALK_PAGE_SIZE } from './list-pages.js'

/**
 * How long a call waits for the central's whole answer by default. Every call is a directory lookup or
 * update that the central answers from memory in milliseconds; a central that has not answered in 2 s
 * is down or stalled (a stopped process still has its connections accepted by the kernel), and the
 * person waiting on a page is better served by an answer saying so.
 */
export const DEFAULT_CENTRAL_TIMEOUT_MS = 2_000

/** One page of a listing: at most `limit` entries (the central's default when unset) after `cursor`. */
export interface PageQuery {
  limit?: number
  /** The `next` of the previous page; unset or null for the first page. */
  cursor?: string | null
}

export interface FilesPageQuery extends PageQuery {
  /** Keeps the names that contain every word of it, in any case (the central filters). */
  q?: string
}

export interface FilesPage { files: FileView[], next: string | null }
export interface PeersPage { peers: PeerView[], next: string | null }

/** What one call may carry besides its arguments. */
export interface CentralCallOptions {
  /**
   * The request id of the transfer this call serves, sent as the x-request-id header so the central
   * logs its lines for this call with it (runtime/request-id.ts).
   */
  requestId?: string
}

export interface CentralClient {
  register: (body: RegisterPeerBody, options?: CentralCallOptions) => Promise<Lease>
  /** Throws CentralRequestError with code CENTRAL_PEER_UNKNOWN when the peer must register again. */
  heartbeat: (peerId: string, body: HeartbeatBody) => Promise<Lease>
  announceFile: (peerId: string, body: AnnounceFileBody, options?: CentralCallOptions) => Promise<void>
  leave: (peerId: string, options?: CentralCallOptions) => Promise<void>
  /** Every live peer: the pages walked (at most LIST_WALK_MAX_PAGES of LIST_WALK_PAGE_SIZE). */
  listPeers: () => Promise<PeerView[]>
  listPeersPage: (query?: PageQuery) => Promise<PeersPage>
  /** Every file, by name: the pages walked (at most LIST_WALK_MAX_PAGES of LIST_WALK_PAGE_SIZE). */
  listFiles: () => Promise<FileView[]>
  /** One page of files by name, filtered by the central; `next` is null on the last page. */
  listFilesPage: (query?: FilesPageQuery) => Promise<FilesPage>
  /** Holders of the file, least loaded first, with a download ticket good at each of them. */
  locate: (name: string, options?: CentralCallOptions) => Promise<LocatedFile>
  place: (body: PlacementBody, options?: CentralCallOptions) => Promise<Placement>
  health: () => Promise<HealthResponse>
  /** Asks the central to have `peerId` keep a copy of `name` (signed by that peer or its pclient). */
  requestCopy: (peerId: string, name: string, options?: CentralCallOptions) => Promise<CopyRequestResponse>
  /** Replica counts: the files below the replication factor and the files lost. */
  replication: () => Promise<ReplicationReport>
  /** Deletes the file everywhere with its delete token (or the operator's); signed by a member. */
  deleteFile: (name: string, deleteToken: string, options?: CentralCallOptions) => Promise<DeletedFile>
}

export interface CentralClientOptions {
  /** e.g. http://127.0.0.1:8000; ignored when `baseUrls` is given. */
  baseUrl?: string
  /**
   * Several addresses of the central (replicas, or proxies in front of them). A call goes to the one
   * that last answered first, and moves to the next when it is unreachable, silent, or answers 502,
   * 503 or 504 (see `place` for the one exception).
   */
  baseUrls?: readonly string[]
  /**
   * How long one try at one address may take, from connecting to the end of the answer;
   * DEFAULT_CENTRAL_TIMEOUT_MS by default. A call takes at most this times the number of addresses.
   */
  timeoutMs?: number
  /**
   * Signs every request as this cluster member (key: deriveClusterKeys(secret).peerRequests). The
   * central refuses unsigned requests to every route that changes the directory or hands out tickets.
   */
  signer?: { id: string, key: Uint8Array }
}

export function createCentralClient (options: CentralClientOptions): CentralClient {
  const urls = (options.baseUrls ?? (options.baseUrl == null ? [] : [options.baseUrl])).map((url) => url.replace(/\/+$/, ''))
  const addresses = createCentralAddresses(urls)
  const timeoutMs = options.timeoutMs ?? DEFAULT_CENTRAL_TIMEOUT_MS

  async function tryAt<T> (baseUrl: string, request: CentralRequest, payload: string | undefined, schema: z.ZodType<T> | null): Promise<TryOutcome<T>> {
    const { method, path } = request
    const headers: Record<string, string> = payload === undefined ? {} : { 'content-type': 'application/json' }
    if (request.requestId != null) headers[REQUEST_ID_HEADER] = request.requestId
    if (request.deleteToken != null) headers[DELETE_TOKEN_HEADER] = request.deleteToken
    // Signed at each try: a retry elsewhere carries a fresh time, not the first try's.
    if (options.signer != null) {
      Object.assign(headers, signRequest(options.signer.key, { signer: options.signer.id, method, path, body: payload ?? '' }))
    }
    // One deadline for connecting, the headers and the body: a central that accepts the connection and
    // then says nothing (a stopped process) fails as fast as one that refuses it.
    const signal = AbortSignal.timeout(timeoutMs)
    let response: TextAnswer
    try {
      response = await exchangeText(baseUrl + path, { method, headers, ...(payload === undefined ? {} : { body: payload }), signal })
    } catch (err) {
      return unreachableOutcome(new CentralUnreachableError(baseUrl, signal.aborted ? { cause: err, timeoutMs } : { cause: err }))
    }
    const { text } = response
    if (response.status < 200 || response.status > 299) {
      const parsed = errorBodySchema.safeParse(safeJson(text))
      const error = parsed.success
        ? new CentralRequestError(response.status, parsed.data.error, parsed.data.message)
        : new CentralRequestError(response.status, 'CENTRAL_BAD_RESPONSE', `the central answered ${response.status} without an error body`)
      return { ok: false, error, unavailable: UNAVAILABLE_STATUSES.has(response.status), neverArrived: false }
    }
    if (schema == null) return { ok: true, value: undefined as T }
    const parsed = schema.safeParse(safeJson(text))
    if (parsed.success) return { ok: true, value: parsed.data }
    const error = new CentralRequestError(502, 'CENTRAL_BAD_RESPONSE', `the central's answer to ${method} ${path} does not match the API: ${parsed.error.message}`)
    return { ok: false, error, unavailable: false, neverArrived: false }
  }

  async function call<T> (
    method: string, path: string, body: unknown, schema: z.ZodType<T> | null, options: CentralCallOptions = {}, policy: RetryPolicy = 'idempotent', deleteToken?: string
  ): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const request: CentralRequest = { method, path, ...(options.requestId == null ? {} : { requestId: options.requestId }) }
    if (deleteToken != null) request.deleteToken = deleteToken
    return await addresses.run(policy, async (baseUrl) => await tryAt(baseUrl, request, payload, schema))
  }

  const peerPath = (peerId: string): string => `/peers/${encodeURIComponent(peerId)}`
  const filesPage = async (query: FilesPageQuery = {}): Promise<FilesPage> =>
    await call('GET', `/files${queryString(query)}`, undefined, listFilesResponseSchema)
  const peersPage = async (query: PageQuery = {}): Promise<PeersPage> =>
    await call('GET', `/peers${queryString(query)}`, undefined, listPeersResponseSchema)

  // Every call but `place` is safe to send twice: reads; register, announce and leave state what is
  // (idempotent); a heartbeat only refreshes; a copy request already ordered answers 'ordered' again.
  return {
    register: async (body, options) => await call('POST', '/peers', body, leaseSchema, options),
    heartbeat: async (peerId, body) => await call('PUT', `${peerPath(peerId)}/heartbeat`, body, leaseSchema),
    announceFile: async (peerId, body, options) => { await call('POST', `${peerPath(peerId)}/files`, body, null, options) },
    leave: async (peerId, options) => { await call('DELETE', peerPath(peerId), undefined, null, options) },
    listPeers: async () => await walkPages('peer', async (cursor) => {
      const page = await peersPage({ limit: LIST_WALK_PAGE_SIZE, cursor })
      return { entries: page.peers, next: page.next }
    }),
    listPeersPage: peersPage,
    listFiles: async () => await walkPages('file', async (cursor) => {
      const page = await filesPage({ limit: LIST_WALK_PAGE_SIZE, cursor })
      return { entries: page.files, next: page.next }
    }),
    listFilesPage: filesPage,
    locate: async (name, options) => await call('GET', `/files/${encodeURIComponent(name)}`, undefined, locateResponseSchema, options),
    // A placement reserves room on a peer. Sent again after a timeout or a 5xx it could reserve twice
    // (the first may have been made, its answer lost), so it moves on only when no central saw it. A
    // reservation lost that way expires by itself, but would hold room meanwhile.
    place: async (body, options) => await call('POST', '/placements', body, placementResponseSchema, options, 'if-never-arrived'),
    health: async () => await call('GET', '/health', undefined, healthResponseSchema),
    requestCopy: async (peerId, name, options) => await call('POST', `${peerPath(peerId)}/copies`, { name }, copyRequestResponseSchema, options),
    replication: async () => await call('GET', '/replication', undefined, replicationReportSchema),
    // Sent again elsewhere only if it never arrived: a delete that did arrive answers 410 the second time.
    deleteFile: async (name, deleteToken, options) =>
      await call('DELETE', `/files/${encodeURIComponent(name)}`, undefined, deleteFileResponseSchema, options, 'if-never-arrived', deleteToken)
  }
}

/** One request to the central, as each try at an address sends it. */
interface CentralRequest { method: string, path: string, requestId?: string, deleteToken?: string }

/** '?limit=100&cursor=...&q=...', leaving out what is unset or empty; '' when nothing is set. */
function queryString (query: FilesPageQuery): string {
  const params = new URLSearchParams()
  if (query.limit != null) params.set('limit', String(query.limit))
  if (query.cursor != null && query.cursor !== '') params.set('cursor', query.cursor)
  if (query.q != null && query.q.trim() !== '') params.set('q', query.q.trim())
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}

function safeJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
