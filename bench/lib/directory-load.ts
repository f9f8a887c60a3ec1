// Drives one route with autocannon for a few seconds over a few connections, every request signed
// afresh (a member's signature covers method, path, time and body), and reports requests/s and latency.
// The hello-world is driven the same way, signatures included, so the load generator's own cost is the
// same on both sides of the ratio.
import autocannon from 'autocannon'
import { signRequest } from '@p2p/proto'
import type { DirectoryShape } from './directory-content.js'
import { FAKE_FILE_BYTES, FAKE_PEER_CAPACITY_BYTES, peerIdOf, randomHeldName } from './directory-content.js'

export interface NextRequest {
  path: string
  /** JSON text, exactly as signed and sent. */
  body?: string
  signer: string
}

export interface RouteLoad {
  route: string
  method: 'GET' | 'POST' | 'PUT'
  next: () => NextRequest
}

export interface LoadResult {
  route: string
  /** Answers received while the load ran (requests still in flight at the end are not counted). */
  answered: number
  requestsPerSecond: number
  /** NaN when nothing was answered. */
  p50Ms: number
  p99Ms: number
  /** Answers other than 2xx, and connection errors: a run with any is not a clean measurement. */
  non2xx: number
  errors: number
}

export interface LoadOptions {
  seconds: number
  connections: number
}

/** Every member route is signed as one pclient, as a peer's web client would sign. */
const MEMBER = 'pclient:bench'

export function helloWorldLoad (): RouteLoad {
  return { route: 'hello-world', method: 'GET', next: () => ({ path: '/', signer: MEMBER }) }
}

/** The routes measured on the central, in the order they run: placement last, as its claims outlive it. */
export function directoryLoads (shape: DirectoryShape): RouteLoad[] {
  let heartbeats = 0
  let placements = 0
  const heartbeatBody = JSON.stringify({ freeBytes: FAKE_PEER_CAPACITY_BYTES - shape.filesPerPeer * FAKE_FILE_BYTES, activeTransfers: 0 })
  return [
    { route: 'locate', method: 'GET', next: () => ({ path: `/files/${encodeURIComponent(randomHeldName(shape))}`, signer: MEMBER }) },
    { route: 'list page', method: 'GET', next: () => ({ path: '/files?limit=100', signer: MEMBER }) },
    {
      route: 'heartbeat',
      method: 'PUT',
      next: () => {
        const peerId = peerIdOf(heartbeats++ % shape.peers)
        return { path: `/peers/${peerId}/heartbeat`, body: heartbeatBody, signer: peerId }
      }
    },
    // Each placement claims a new name and reserves 1 KiB on a peer for a minute, so the reservations
    // of this run pile up while it runs (a real network's uploads start and release theirs).
    { route: 'placement', method: 'POST', next: () => ({ path: '/placements', body: JSON.stringify({ name: `bench-upload-${placements++}.bin`, size: 1024 }), signer: MEMBER }) }
  ]
}

export async function drive (baseUrl: string, key: Uint8Array, load: RouteLoad, options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: baseUrl,
    connections: options.connections,
    duration: options.seconds,
    requests: [{
      setupRequest: (request) => {
        const { path, body, signer } = load.next()
        const signature = signRequest(key, { signer, method: load.method, path, body: body ?? '' })
        const headers = { ...(body != null ? { 'content-type': 'application/json' } : {}), ...signature }
        return { ...request, method: load.method, path, headers, ...(body != null ? { body } : {}) }
      }
    }]
  })
  // Counted from the answers rather than autocannon's per-second average, so a route slower than a
  // second still shows its rate; a route that answered nothing has no latency to show.
  const answered = result.requests.total
  return {
    route: load.route,
    answered,
    requestsPerSecond: answered / result.duration,
    p50Ms: answered > 0 ? result.latency.p50 : Number.NaN,
    p99Ms: answered > 0 ? result.latency.p99 : Number.NaN,
    non2xx: result.non2xx,
    errors: result.errors
  }
}
