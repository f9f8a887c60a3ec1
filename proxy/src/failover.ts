// Sends each request to the next upstream in turn and, when that upstream fails before answering, to
// another one if retry-policy.ts allows it; answers the client with the error once none is left.
//
// A request can go out a second time only if its body is still unread. So the body is held back until
// the connection to the upstream is open: a refused connection leaves it untouched, and a POST that
// never reached anyone can go to the next upstream whole, still streamed, never buffered.
import type { Agent, IncomingMessage, ServerResponse } from 'node:http'
import https from 'node:https'
import { PassThrough } from 'node:stream'
import type { Stream } from 'node:stream'
import type httpProxy from 'http-proxy'
import type { Logger } from 'pino'
import { nodeHttp, REQUEST_ID_HEADER, REQUEST_ID_LOG_FIELD } from '@p2p/proto/runtime'
import { NoUpstreamInTurnError, UpstreamTimeoutError, upstreamErrorBody } from './errors.js'
import { judgeFailedAttempt } from './retry-policy.js'
import type { UpstreamPool } from './upstream-pool.js'

export interface FailoverComponents {
  proxy: httpProxy
  pool: UpstreamPool
  logger: Logger
  /** Told of every failed attempt: whether the request went on to another upstream, or its client got the error (metrics.ts). */
  onUpstreamFailure?: (retried: boolean) => void
}

export type Forward = (req: IncomingMessage, res: ServerResponse) => void

/** One try of one request at one upstream. */
interface Attempt {
  upstream: string
  /** The request body goes to the upstream through this, opened once the connection is. */
  gate: PassThrough
  connected: boolean
  reusedConnection: boolean
  answered: boolean
}

// Keep-alive to the upstreams avoids a new TCP handshake per request.
const agentOptions = { keepAlive: true, maxSockets: 256 }

export function createFailover (components: FailoverComponents): Forward {
  const { proxy, pool, logger } = components
  const agents: Record<string, Agent> = { 'http:': new nodeHttp.Agent(agentOptions), 'https:': new https.Agent(agentOptions) }
  // http-proxy hands each attempt's options (our gate among them) to 'proxyReq': the way back to it.
  const attempts = new WeakMap<Stream, Attempt>()

  proxy.on('proxyReq', (upstreamRequest, req, _res, options) => {
    const attempt = options.buffer != null ? attempts.get(options.buffer) : undefined
    if (attempt == null) return
    attempt.reusedConnection = upstreamRequest.reusedSocket
    upstreamRequest.once('response', () => { attempt.answered = true })
    const open = (): void => {
      attempt.connected = true
      req.pipe(attempt.gate)
    }
    // 'proxyReq' comes with the socket: a kept-alive one is connected already.
    const socket = upstreamRequest.socket
    if (socket?.connecting === true) socket.once('connect', open)
    else open()
  })

  return (req, res) => {
    // http-proxy appends this hop to X-Forwarded-* in req.headers on every call: each try starts afresh.
    const headers = { ...req.headers }
    const tried = new Set<string>()
    const tryNext = (lastError: Error | undefined): void => {
      const upstream = pool.next(tried)
      // After a failed attempt: on to another upstream, or the client gets the error.
      if (lastError != null) components.onUpstreamFailure?.(upstream != null)
      if (upstream == null) {
        answerFailure(res, lastError ?? new NoUpstreamInTurnError())
        return
      }
      tried.add(upstream)
      req.headers = { ...headers }
      const attempt: Attempt = { upstream, gate: new PassThrough(), connected: false, reusedConnection: false, answered: false }
      attempts.set(attempt.gate, attempt)
      let failed = false
      proxy.web(req, res, { target: upstream, buffer: attempt.gate, agent: agents[new URL(upstream).protocol] }, (err) => {
        // The same attempt can be told more than once (its upstream request and the client's both fail).
        if (failed) return
        failed = true
        // The client is gone: nobody to answer, and its abort says nothing about the upstream.
        if (res.destroyed || req.socket.destroyed) return
        const verdict = judgeFailedAttempt({
          method: req.method ?? 'GET',
          connected: attempt.connected,
          reusedConnection: attempt.reusedConnection,
          answered: attempt.answered || res.headersSent,
          bodyRead: req.readableDidRead,
          answerTimedOut: err instanceof UpstreamTimeoutError && err.phase === 'answer'
        })
        const code = (err as NodeJS.ErrnoException).code
        logger.warn({
          [REQUEST_ID_LOG_FIELD]: headers[REQUEST_ID_HEADER], err: { message: err.message, code }, upstream, method: req.method, url: req.url, retry: verdict.retry
        }, 'upstream request failed')
        if (verdict.takeOutOfTurn) pool.takeOutOfTurn(upstream, code ?? err.message)
        if (!verdict.retry) {
          components.onUpstreamFailure?.(false)
          answerFailure(res, err)
          return
        }
        req.unpipe(attempt.gate)
        tryNext(err)
      })
    }
    tryNext(undefined)
  }
}

function answerFailure (res: ServerResponse, err: Error): void {
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
}
