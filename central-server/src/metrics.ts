// The central's metrics, served on its own metrics port (METRICS_PORT), never through the proxy's: the
// process's, every HTTP answer's duration by route and status, heartbeats received, peers removed, the
// store's operations and their latency, and the directory's sizes. The sizes are read from the store's
// counters when Prometheus scrapes (countDirectory: O(log n), as cheap as GET /health), so every
// replica over one Redis reports the same shared truth, never a count of its own.
import { createHttpDurations, createMetricsRegistry, LATENCY_BUCKETS_SECONDS, metricName } from '@p2p/proto/directory'
import type { HttpAnswer } from '@p2p/proto/directory'
import { Counter, Gauge, Histogram } from 'prom-client'
import type { Registry } from 'prom-client'
import { HEARTBEAT_ROUTE } from './routes/peers.js'
import type { DirectoryCounts } from './store/directory-store.js'
import type { StoreKind } from './store/open-store.js'
import type { StoreObserver } from './store/timed-store.js'

export interface CentralMetrics {
  registry: Registry
  /** Every HTTP answer; a heartbeat's is also counted as a heartbeat received. */
  observeHttp: (answer: HttpAnswer) => void
  /** What the timed store reports (store/timed-store.ts). */
  store: StoreObserver
  /** Where the directory gauges read their values on each scrape, and which store answers them. */
  watchDirectory: (counts: () => Promise<DirectoryCounts>, kind: StoreKind) => void
  /** One file deleted from the network. */
  fileDeleted: () => void
}

/** Each directory gauge and the count it shows. */
const DIRECTORY_GAUGES: Array<[name: string, help: string, value: (counts: DirectoryCounts) => number]> = [
  ['directory_peers', 'Live peers (heard from within three heartbeat intervals)', (counts) => counts.peers],
  ['directory_files', 'Files with at least one copy', (counts) => counts.files],
  ['directory_holdings', 'Files held, one per peer and name (a silent peer\'s until the sweep removes it)', (counts) => counts.holdings],
  ['directory_files_under_replicated', 'Files with at least one copy and fewer than the replication factor', (counts) => counts.underReplicated],
  ['directory_files_lost', 'Files the catalog knows that no peer holds any more', (counts) => counts.lost],
  ['directory_copy_orders_in_progress', 'Copies ordered from peers and not yet done or given up', (counts) => counts.copiesOrdered],
  ['directory_upload_claims', 'Uploads placed on a peer whose name claim is still running', (counts) => counts.uploadsPlaced]
]

export function createCentralMetrics (): CentralMetrics {
  const registry = createMetricsRegistry()
  const observeDuration = createHttpDurations(registry)
  const heartbeats = new Counter({
    name: metricName('heartbeats_received_total'),
    help: 'Peers\' heartbeats, by outcome: accepted, unknown_peer (told to register again), refused (bad signature, rate limit, bad body, store down)',
    labelNames: ['outcome'] as const,
    registers: [registry]
  })
  const peersRemoved = new Counter({
    name: metricName('directory_peers_removed_total'),
    help: 'Peers removed from the directory, by reason: left (said goodbye) or expired (silent for three heartbeat intervals)',
    labelNames: ['reason'] as const,
    registers: [registry]
  })
  const filesDeleted = new Counter({
    name: metricName('files_deleted_total'),
    help: 'Files deleted from the network (by their sharer\'s token or the operator\'s) through this replica',
    registers: [registry]
  })
  const storeLatency = new Histogram({
    name: metricName('directory_store_operation_duration_seconds'),
    help: 'How long each directory store operation took, by operation and outcome (error: it threw, e.g. Redis unreachable)',
    labelNames: ['operation', 'outcome'] as const,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [registry]
  })
  for (const outcome of ['accepted', 'unknown_peer', 'refused']) heartbeats.inc({ outcome }, 0)
  for (const reason of ['left', 'expired']) peersRemoved.inc({ reason }, 0)

  let source: { counts: () => Promise<DirectoryCounts>, kind: StoreKind } | null = null
  // One scrape collects every gauge at once: they share one count of the store.
  let reading: Promise<DirectoryCounts | null> | null = null
  const current = async (): Promise<DirectoryCounts | null> => {
    if (source == null) return null
    const { counts } = source
    reading ??= counts().catch(() => null).finally(() => { reading = null })
    return await reading
  }
  for (const [name, help, value] of DIRECTORY_GAUGES) {
    new Gauge({
      name: metricName(name),
      help: `${help}; the whole directory, the same on every replica`,
      labelNames: ['store'] as const,
      registers: [registry],
      // Left out while the store does not answer (see p2p_directory_store_up), never shown as 0.
      async collect () {
        const counts = await current()
        this.reset()
        if (counts != null && source != null) this.set({ store: source.kind }, value(counts))
      }
    })
  }
  new Gauge({
    name: metricName('directory_store_up'),
    help: '1 when the directory store answered this scrape\'s count, 0 when it did not (the directory gauges are then left out)',
    registers: [registry],
    async collect () { this.set(await current() == null ? 0 : 1) }
  })

  return {
    registry,
    observeHttp (answer) {
      observeDuration(answer)
      if (answer.method === 'PUT' && answer.route === HEARTBEAT_ROUTE) {
        heartbeats.inc({ outcome: answer.status === 200 ? 'accepted' : answer.status === 404 ? 'unknown_peer' : 'refused' })
      }
    },
    store: {
      operation: (operation, outcome, seconds) => { storeLatency.observe({ operation, outcome }, seconds) },
      peerRemoved: (reason) => { peersRemoved.inc({ reason }) }
    },
    watchDirectory (counts, kind) { source = { counts, kind } },
    fileDeleted: () => { filesDeleted.inc() }
  }
}
