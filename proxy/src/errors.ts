// The proxy's own errors, answered as JSON {statusCode, error, message} like every service's: the
// upstream could not be reached or failed mid-request, or no upstream is in turn (502), or it took
// too long to accept the connection or to start its answer (504), or the proxy is shutting down (503);
// /metrics is never forwarded (404).
export const ProxyErrorCode = {
  UpstreamUnreachable: 'PROXY_UPSTREAM_UNREACHABLE',
  UpstreamTimeout: 'PROXY_UPSTREAM_TIMEOUT',
  NotFound: 'PROXY_NOT_FOUND',
  Closing: 'PROXY_CLOSING'
} as const

export interface ProxyErrorBody { statusCode: number, error: string, message: string }

/** The upstream did not accept the connection, or did not start its answer, within its limit. */
export class UpstreamTimeoutError extends Error {
  readonly code = ProxyErrorCode.UpstreamTimeout
  readonly statusCode = 504
  constructor (readonly phase: 'connect' | 'answer', readonly timeoutMs: number) {
    super(phase === 'connect'
      ? `the service behind this proxy did not accept a connection within ${timeoutMs} ms`
      : `the service behind this proxy did not answer within ${timeoutMs} ms`)
    this.name = 'UpstreamTimeoutError'
  }
}

/** Every upstream has been taken out of turn (upstream-pool.ts): none is tried until one answers again. */
export class NoUpstreamInTurnError extends Error {
  readonly code = ProxyErrorCode.UpstreamUnreachable
  constructor () {
    super('no upstream is answering')
    this.name = 'NoUpstreamInTurnError'
  }
}

/**
 * /metrics, and anything under it, is answered here and never forwarded: every service serves its
 * metrics on a port of its own, which the public port must not reach, whatever a service behind it does.
 */
export function isMetricsPath (url: string | undefined): boolean {
  const path = (url ?? '').split('?')[0] ?? ''
  return path === '/metrics' || path.startsWith('/metrics/')
}

export const METRICS_NOT_FORWARDED: ProxyErrorBody = {
  statusCode: 404,
  error: ProxyErrorCode.NotFound,
  message: 'metrics are not served on this port; each service serves them on its own metrics port (METRICS_PORT)'
}

/** What the client is told when the request to the upstream failed before any answer. */
export function upstreamErrorBody (err: unknown): ProxyErrorBody {
  if (err instanceof UpstreamTimeoutError) {
    return { statusCode: err.statusCode, error: err.code, message: `${err.message}; try again shortly` }
  }
  return {
    statusCode: 502,
    error: ProxyErrorCode.UpstreamUnreachable,
    message: 'the service behind this proxy is not reachable; try again shortly'
  }
}

/** What a request gets when it arrives on an open connection while the proxy drains to stop. */
export function closingBody (): ProxyErrorBody {
  return { statusCode: 503, error: ProxyErrorCode.Closing, message: 'this machine is shutting down; try again shortly' }
}
