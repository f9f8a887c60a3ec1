// The reverse proxy in front of one machine: every request goes to the single configured upstream,
// bodies stream both ways, and an unreachable upstream is a 502 JSON error instead of a hang, a silent
// one a 504 within seconds (upstream-timeouts.ts).
import http from 'node:http'
import httpProxy from 'http-proxy'
import type { Logger } from 'pino'
import { upstreamErrorBody } from './errors.js'
import { limitUpstreamWaits } from './upstream-timeouts.js'
import type { UpstreamTimeouts } from './upstream-timeouts.js'

export interface ProxyComponents extends UpstreamTimeouts {
  upstreamUrl: string
  idleTimeoutMs: number
  headersTimeoutMs: number
  logger: Logger
}

export function createProxyServer (components: ProxyComponents): http.Server {
  const { upstreamUrl, logger } = components
  const proxy = httpProxy.createProxyServer({
    target: upstreamUrl,
    // X-Forwarded-For/-Proto/-Port/-Host, so the upstream can tell who the client is.
    xfwd: true,
    proxyTimeout: components.idleTimeoutMs,
    // Keep-alive to the upstream avoids a new TCP handshake per request.
    agent: new http.Agent({ keepAlive: true, maxSockets: 256 })
  })

  proxy.on('error', (err, req, res) => {
    logger.warn({ err: { message: err.message, code: (err as NodeJS.ErrnoException).code }, method: req.method, url: req.url }, 'upstream request failed')
    // `res` is a ServerResponse for HTTP requests and a Socket for upgrades.
    if (!(res instanceof http.ServerResponse)) {
      res.destroy()
      return
    }
    if (res.headersSent) {
      // The upstream died mid-response: cut the connection so the client sees a truncated transfer,
      // never a complete-looking one.
      res.destroy()
      return
    }
    const answer = upstreamErrorBody(err)
    const body = JSON.stringify(answer)
    res.writeHead(answer.statusCode, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })

  proxy.on('proxyReq', (proxyReq) => {
    limitUpstreamWaits(proxyReq, components)
  })

  // Node's default 5-minute request timeout would cut off large uploads, so it is off; idle
  // connections are bounded by the socket timeout instead, and clients that trickle their headers by
  // headersTimeout (checked every second rather than Node's default 30 s).
  // An upstream that cuts its response short (a download whose bytes failed verification, a crash)
  // must cut the client's response too; otherwise the client waits forever for the missing bytes.
  proxy.on('proxyRes', (proxyRes, _req, res) => {
    proxyRes.on('close', () => {
      if (!proxyRes.complete) res.destroy()
    })
  })

  const server = http.createServer({
    requestTimeout: 0,
    headersTimeout: components.headersTimeoutMs,
    connectionsCheckingInterval: 1000
  }, (req, res) => {
    // This server has already told the client to go on (Node answers 100 Continue by itself), so the
    // upstream need not be asked again; and http-proxy hands over the upstream request, which the
    // timeouts above need, only for requests without Expect.
    delete req.headers.expect
    proxy.web(req, res)
  })
  server.timeout = components.idleTimeoutMs
  server.on('timeout', (socket) => socket.destroy())
  server.on('close', () => proxy.close())
  return server
}
