// The pserver's metrics, served on its own metrics port (METRICS_PORT): the process's, the transfers and
// their bytes (a user's download or upload, a copy for the central; see @p2p/proto's transfer-metrics),
// and what this peer stores, read from its store when Prometheus scrapes.
import { createMetricsRegistry, createTransferMeter, metricName } from '@p2p/proto'
import type { TransferMeter } from '@p2p/proto'
import { Gauge } from 'prom-client'
import type { Registry } from 'prom-client'
import type { FileStore } from './store/file-store.js'

export interface PeerMetrics {
  registry: Registry
  meter: TransferMeter
}

export function createPeerMetrics (store: Pick<FileStore, 'count' | 'freeBytes'>): PeerMetrics {
  const registry = createMetricsRegistry()
  const meter = createTransferMeter(registry, [
    ['download', 'sent'], ['upload', 'received'], ['replication', 'sent'], ['replication', 'received']
  ])
  new Gauge({
    name: metricName('peer_files'),
    help: 'Names this peer stores and lists',
    registers: [registry],
    async collect () { this.set(await store.count()) }
  })
  new Gauge({
    name: metricName('peer_free_bytes'),
    help: 'Bytes this peer can still take: its capacity less what it stores and has promised, or the disk\'s free space if less',
    registers: [registry],
    async collect () { this.set(await store.freeBytes()) }
  })
  return { registry, meter }
}
