// The proxy's metrics, served on its own metrics port (METRICS_PORT) and never on the port it fronts:
// the process's, and the requests an upstream failed (the central's replicas, or a peer's pclient).
import { createMetricsRegistry, metricName } from '@p2p/proto/runtime'
import { Counter } from 'prom-client'
import type { Registry } from 'prom-client'

export interface ProxyMetrics {
  registry: Registry
  /** A request failed at an upstream before its answer: sent on to another (retried), or answered 502/504. */
  upstreamFailed: (retried: boolean) => void
}

export function createProxyMetrics (): ProxyMetrics {
  const registry = createMetricsRegistry()
  const failures = new Counter({
    name: metricName('proxy_upstream_failures_total'),
    help: 'Requests an upstream failed before answering (refused, reset, silent), by outcome: retried on another upstream, or answered with a 502/504',
    labelNames: ['outcome'] as const,
    registers: [registry]
  })
  for (const outcome of ['retried', 'answered_error']) failures.inc({ outcome }, 0)
  return {
    registry,
    upstreamFailed: (retried) => { failures.inc({ outcome: retried ? 'retried' : 'answered_error' }) }
  }
}
