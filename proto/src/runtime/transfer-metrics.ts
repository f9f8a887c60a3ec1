// The metrics of moving files, the same in the pserver and the pclient so one query adds them up:
// bytes of file content that crossed gRPC, by direction (sent or received by this process) and kind
// (a user's download, a user's upload, a copy the central ordered), and the transfers running now.
// Bytes are counted as they move, not when a transfer ends, so a rate shows a long transfer as it goes.
import { Counter, Gauge } from 'prom-client'
import type { Registry } from 'prom-client'
import { metricName } from './metrics.js'

export type TransferKind = 'download' | 'upload' | 'replication'
export type TransferDirection = 'sent' | 'received'

export interface TransferMeter {
  /** `bytes` of a file's content went out of (sent) or came into (received) this process over gRPC. */
  moved: (kind: TransferKind, direction: TransferDirection, bytes: number) => void
  /** A transfer started; call the returned function once when it ends, however it ends. */
  begin: (kind: TransferKind) => () => void
}

/** For code run without metrics (tests of one part, a command line). */
export const UNMETERED: TransferMeter = { moved: () => {}, begin: () => () => {} }

/**
 * `expected`: the kinds and directions this service moves, shown at 0 from the start, so a query sees
 * the series before the first transfer (Prometheus' advice for labels known in advance).
 */
export function createTransferMeter (registry: Registry, expected: ReadonlyArray<[TransferKind, TransferDirection]> = []): TransferMeter {
  const bytes = new Counter({
    name: metricName('transfer_bytes_total'),
    help: 'Bytes of file content this process sent or received over gRPC, by kind: download (a user\'s), upload (a user\'s), replication (a copy the central ordered)',
    labelNames: ['kind', 'direction'] as const,
    registers: [registry]
  })
  const running = new Gauge({
    name: metricName('transfers_in_progress'),
    help: 'Transfers this process is running now, by kind (download, upload, replication)',
    labelNames: ['kind'] as const,
    registers: [registry]
  })
  for (const [kind, direction] of expected) {
    bytes.inc({ kind, direction }, 0)
    running.set({ kind }, 0)
  }
  return {
    moved: (kind, direction, count) => { bytes.inc({ kind, direction }, count) },
    begin (kind) {
      running.inc({ kind })
      let ended = false
      return () => {
        if (ended) return
        ended = true
        running.dec({ kind })
      }
    }
  }
}
