// The pclient's metrics, served on its own metrics port (METRICS_PORT), never through the page's port:
// the process's, every HTTP answer's duration by route and status, the bytes of users' downloads and
// uploads (see @p2p/proto's transfer-metrics), and what goes wrong with holders during downloads.
// Downloads are watched through their record (download-tracker.ts), which every download already
// reports its pieces, its failed holders and its end to.
import { createHttpDurations, createMetricsRegistry, createTransferMeter, metricName } from '@p2p/proto'
import type { HttpAnswer, TransferMeter } from '@p2p/proto'
import { Counter } from 'prom-client'
import type { Registry } from 'prom-client'
import { DataLossError } from './errors.js'
import type { DownloadTracker } from './transfers/download-tracker.js'

export interface ClientMetrics {
  registry: Registry
  meter: TransferMeter
  observeHttp: (answer: HttpAnswer) => void
  /** A holder was dropped from a download: it failed, stalled or sent bytes that did not verify. */
  holderDropped: (err: Error) => void
}

export function createClientMetrics (): ClientMetrics {
  const registry = createMetricsRegistry()
  const failovers = new Counter({
    name: metricName('download_holder_failovers_total'),
    help: 'Holders dropped from a download because they failed, stalled or sent a bad piece; the download goes on from the others, or fails when none is left',
    registers: [registry]
  })
  const verificationFailures = new Counter({
    name: metricName('download_piece_verification_failures_total'),
    help: 'Holders whose bytes did not match the piece hashes or the file\'s SHA-256 (or who sent too few or too many): bytes that never reached a user',
    registers: [registry]
  })
  return {
    registry,
    meter: createTransferMeter(registry, [['download', 'received'], ['upload', 'sent']]),
    observeHttp: createHttpDurations(registry),
    holderDropped (err) {
      failovers.inc()
      if (err instanceof DataLossError) verificationFailures.inc()
    }
  }
}

/**
 * The tracker, with every download it records also counted: running, verified bytes received from
 * holders (those handed on to the user, or held for them), and holders dropped.
 */
export function meteredTracker (tracker: DownloadTracker, metrics: Pick<ClientMetrics, 'meter' | 'holderDropped'>): DownloadTracker {
  return {
    list: () => tracker.list(),
    start (file) {
      const tracked = tracker.start(file)
      const ended = metrics.meter.begin('download')
      return {
        pieceFrom (peerId, bytes, pieces) {
          metrics.meter.moved('download', 'received', bytes)
          tracked.pieceFrom(peerId, bytes, pieces)
        },
        sourceFailed (peerId, err) {
          metrics.holderDropped(err)
          tracked.sourceFailed(peerId, err)
        },
        sent: (bytes) => { tracked.sent(bytes) },
        finish (error) {
          ended()
          tracked.finish(error)
        }
      }
    }
  }
}
