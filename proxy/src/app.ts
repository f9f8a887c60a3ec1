// The reverse proxy in front of one machine: every request goes to one of the configured upstreams
// (several on the central machine, one on a peer's), bodies stream both ways, and an unreachable
// upstream is a 502 JSON error instead of a hang, a silent one a 504 within seconds
// (upstream-timeouts.ts). Which upstream, and what happens when it fails: upstream-pool.ts, failover.ts.
// Every request gets a request id and one log line (request-log.ts). Once the server is closing (its
// listener closed, draining: server.ts), a request that still arrives on an open connection is answered
// 503 PROXY_CLOSING and its connection closed, while the requests in flight finish.
import type { OutgoingHttpHeaders, Server, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import httpProxy from 'http-proxy'
import type { Logger } from 'pino'
import { nodeHttp } from '@p2p/proto/runtime'
import { closingBody, isMetricsPath, METRICS_NOT_FORWARDED } from './errors.js'
import type { ProxyErrorBody } from './errors.js'
import { createFailover } from './failover.js'
import { traceRequest } from './request-log.js'
import { freeChunksOnceSent } from './spent-chunks.js'
import { createUpstreamPool } from './upstream-pool.js'
import { limitUpstreamWaits } from './upstream-timeouts.js'
import type { UpstreamTimeouts } from './upstream-timeouts.js'

export interface ProxyComponents extends UpstreamTimeouts {
  /** One or more instances of the same service; requests can never name another target. */
  upstreamUrls: string[]
  /** How often an upstream out of turn is probed. */
  probeIntervalMs: number
  idleTimeoutMs: number
  headersTimeoutMs: number
  /** Keep a valid x-request-id from the client (a load balancer the operator runs) instead of choosing one. */
  trustRequestId?: boolean
  logger: Logger
  /** Told of every failed attempt at an upstream (metrics.ts); default: nobody. */
  onUpstreamFailure?: (retried: boolean) => void
}

export function createProxyServer (components: ProxyComponents): Server {
  const proxy = httpProxy.createProxyServer({
    // X-Forwarded-For/-Proto/-Port/-Host, so the upstream can tell who the client is.
    xfwd: true,
    proxyTimeout: components.idleTimeoutMs
  })
  const pool = createUpstreamPool({
    upstreamUrls: components.upstreamUrls,
    probeIntervalMs: components.probeIntervalMs,
    // A probe gets the time a request gets to connect and answer.
    probeTimeoutMs: components.connectTimeoutMs + components.answerTimeoutMs,
    logger: components.logger
  })
  const forward = createFailover({
    proxy, pool, logger: components.logger, ...(components.onUpstreamFailure == null ? {} : { onUpstreamFailure: components.onUpstreamFailure })
  })

  proxy.on('proxyReq', (proxyReq, _req, _res, options) => {
    limitUpstreamWaits(proxyReq, components)
    // The request's body, on its way through the failover's gate (options.buffer), which http-proxy
    // has already piped to the upstream: each chunk is freed once it left for the upstream's socket.
    if (options.buffer instanceof Readable) freeChunksOnceSent(options.buffer, proxyReq)
  })

  // An upstream that cuts its response short (a download whose bytes failed verification, a crash)
  // must cut the client's response too; otherwise the client waits forever for the missing bytes.
  proxy.on('proxyRes', (proxyRes, _req, res) => {
    proxyRes.on('close', () => {
      if (!proxyRes.complete) res.destroy()
    })
    // http-proxy pipes the answer on right after this event, unless the client's response already ended.
    if (!res.writableEnded) freeChunksOnceSent(proxyRes, res)
  })

  // Node's default 5-minute request timeout would cut off large uploads, so it is off; idle
  // connections are bounded by the socket timeout instead, and clients that trickle their headers by
  // headersTimeout (checked every second rather than Node's default 30 s).
  const server = nodeHttp.createServer({
    requestTimeout: 0,
    headersTimeout: components.headersTimeoutMs,
    connectionsCheckingInterval: 1000
  }, (req, res) => {
    // This server has already told the client to go on (Node answers 100 Continue by itself), so the
    // upstream need not be asked again; and http-proxy hands over the upstream request, which the
    // timeouts above need, only for requests without Expect.
    delete req.headers.expect
    traceRequest(req, res, { trustRequestId: components.trustRequestId === true, logger: components.logger })
    if (isMetricsPath(req.url)) answerJson(res, METRICS_NOT_FORWARDED)
    else if (!server.listening) answerJson(res, closingBody(), { connection: 'close' })
    else forward(req, res)
  })
  server.timeout = components.idleTimeoutMs
  server.on('timeout', (socket) => socket.destroy())
  server.on('close', () => {
    pool.close()
    proxy.close()
  })
  return server
}

/** The proxy's own answer, never the upstream's. */
function answerJson (res: ServerResponse, body: ProxyErrorBody, headers: OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(body.statusCode, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}
