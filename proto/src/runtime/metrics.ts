// Prometheus metrics, the part every service shares: one registry per service holding the process's own
// metrics (CPU, memory, event loop lag, handles, GC), every name under one prefix, served at /metrics on
// a listener of its own. Never on the public port: a machine's proxy forwards every path of its port to
// the central or the pclient, so /metrics there would be readable from the internet.
// Each service defines its own metrics in its own metrics.ts and registers them here.
import type { ServerResponse } from 'node:http'
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client'
import { z } from 'zod'
import { unsetIfEmpty } from './env-schemas.js'
import { httpUrlOf } from './serve.js'
import { nodeHttp } from './node-http.js'

/** Every metric of the network starts with this, as Prometheus asks of one application's metrics. */
export const METRIC_PREFIX = 'p2p_'

/** `p2p_<name>`: the name is written with its unit and, for a counter, `_total` (Prometheus' conventions). */
export function metricName (name: string): string {
  return `${METRIC_PREFIX}${name}`
}

/** A registry with the process metrics, named p2p_process_cpu_seconds_total, p2p_nodejs_eventloop_lag_seconds, ... */
export function createMetricsRegistry (): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX })
  return registry
}

/** Seconds buckets for request and store latencies: 1 ms to 10 s. */
export const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** One HTTP answer, as a Fastify onResponse hook sees it. */
export interface HttpAnswer {
  method: string
  /** The route's pattern (/download/:name), never the raw URL, so the label stays bounded; undefined when no route matched. */
  route: string | undefined
  status: number
  elapsedMs: number
}

/** p2p_http_request_duration_seconds{method, route, status}: what every HTTP service records of each answer. */
export function createHttpDurations (registry: Registry): (answer: HttpAnswer) => void {
  const durations = new Histogram({
    name: metricName('http_request_duration_seconds'),
    help: 'Time from a request\'s arrival to the end of its answer, by method, route pattern and status code (route "unmatched": no route)',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [registry]
  })
  return (answer) => {
    durations.observe({ method: answer.method, route: answer.route ?? 'unmatched', status: String(answer.status) }, answer.elapsedMs / 1000)
  }
}

/** The part of a Fastify app timeHttpAnswers needs (proto does not depend on Fastify). */
export interface ResponseHookTarget {
  addHook: (
    name: 'onResponse',
    hook: (request: { method: string, routeOptions: { url?: string | undefined } }, reply: { statusCode: number, elapsedTime: number }) => Promise<void>
  ) => unknown
}

/** Reports every answer of `app` to `observe` (createHttpDurations), by the route that matched, once it is sent. */
export function timeHttpAnswers (app: ResponseHookTarget, observe: (answer: HttpAnswer) => void): void {
  app.addHook('onResponse', async (request, reply) => {
    observe({ method: request.method, route: request.routeOptions.url, status: reply.statusCode, elapsedMs: reply.elapsedTime })
  })
}

/** METRICS_HOST: where the metrics listener binds; loopback unless the machine's Prometheus is elsewhere. */
export const metricsHostSchema = z.preprocess(unsetIfEmpty, z.string().min(1).default('127.0.0.1'))

/** METRICS_PORT: each service has its own default, so the services of one host never collide; 0: the OS picks. */
export function metricsPortSchema (defaultPort: number): z.ZodType<number> {
  const error = 'must be a port number from 0 to 65535 (0: any free port)'
  return z.preprocess(unsetIfEmpty, z.coerce.number({ error }).int({ error }).min(0, { error }).max(65535, { error }).default(defaultPort))
}

/** The default METRICS_PORT of each service (docs/monitoring.md lists them). */
export const DEFAULT_METRICS_PORTS = {
  'central-server': 9464,
  pserver: 9465,
  pclient: 9466,
  proxy: 9467
} as const

export interface MetricsServerOptions {
  registry: Registry
  host: string
  port: number
  log: { info: (fields: object, message: string) => void, error: (fields: object, message: string) => void }
}

export interface MetricsServer {
  /** http://host:port the listener answers at. */
  url: string
  close: () => Promise<void>
}

/**
 * Listens on host:port for GET /metrics (Prometheus' text format) and logs 'metrics listening' with its
 * URL, which the launcher and the tests read. Anything else is a JSON 404 or 405, as every service answers.
 */
export async function startMetricsServer (options: MetricsServerOptions): Promise<MetricsServer> {
  const { registry, log } = options
  const server = nodeHttp.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]
    if (path !== '/metrics') {
      answerError(res, 404, 'METRICS_NOT_FOUND', 'this listener serves GET /metrics only')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD')
      answerError(res, 405, 'METRICS_METHOD_NOT_ALLOWED', 'use GET /metrics')
      return
    }
    registry.metrics().then((text) => {
      res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text) })
      res.end(req.method === 'HEAD' ? undefined : text)
    }, (err: unknown) => {
      log.error({ err }, 'collecting the metrics failed')
      answerError(res, 500, 'METRICS_COLLECT_FAILED', 'the metrics could not be collected; see the service log')
    })
  })
  // A scrape is one short request: a connection silent for this long is closed, so none holds the listener.
  server.requestTimeout = 10_000
  server.headersTimeout = 5_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const url = httpUrlOf(server)
  log.info({ url }, 'metrics listening')
  return {
    url,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    }
  }
}

function answerError (res: ServerResponse, statusCode: number, error: string, message: string): void {
  const body = JSON.stringify({ statusCode, error, message })
  res.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}
