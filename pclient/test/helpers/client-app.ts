// Builds the web client for a test: by default its central is a closed loopback port (unreachable), and
// a test passes the few central calls it needs as a fake component instead.
import { createCentralClient } from '@p2p/proto'
import type { CentralClient } from '@p2p/proto'
import type { FastifyInstance } from 'fastify'
import { buildClientApp } from '../../src/app.js'
import type { ClientMetrics } from '../../src/metrics.js'
import type { ConnectPeer } from '../../src/transfers/peer-connector.js'
import { closedPort } from './closed-port.js'
import { withPages } from './paged-central.js'

/** The cluster secret of every test app: a test computes the delete tokens it expects from it. */
export const TEST_CLUSTER_SECRET = 's'.repeat(64)

export interface TestAppOptions {
  /**
   * Central calls to answer; every other call behaves as against an unreachable central. The whole file
   * list given (listFiles) also answers its pages (listFilesPage), paged as the central does.
   */
  central?: Partial<CentralClient>
  maxUploadBytes?: number
  peerName?: string | null
  metrics?: ClientMetrics
  /** How long closing lets transfers in flight finish; the app's default when unset. */
  drainGraceMs?: number
  /** How the app reaches peers; the app's default (connectOnDemand) when unset. */
  connectPeer?: ConnectPeer
}

export async function buildTestApp (options: TestAppOptions = {}): Promise<FastifyInstance> {
  const centralUrl = `http://127.0.0.1:${await closedPort()}`
  const unreachable = createCentralClient({ baseUrl: centralUrl })
  const app = buildClientApp({
    config: {
      centralUrls: [centralUrl], maxUploadBytes: options.maxUploadBytes ?? 2 ** 40, peerName: options.peerName ?? 'test-peer', clusterSecret: TEST_CLUSTER_SECRET,
      ...(options.drainGraceMs == null ? {} : { drainGraceMs: options.drainGraceMs })
    },
    central: { ...unreachable, ...withPages(options.central ?? {}) },
    ...(options.metrics == null ? {} : { metrics: options.metrics }),
    ...(options.connectPeer == null ? {} : { connectPeer: options.connectPeer })
  })
  await app.ready()
  return app
}

/** A multipart/form-data body with one file part (and optional text fields before it). */
export function multipartBody (parts: Array<{ field: string, filename?: string, content: string | Buffer }>): { payload: Buffer, headers: Record<string, string> } {
  const boundary = '----pclient-test-boundary'
  const pieces: Buffer[] = []
  for (const part of parts) {
    const disposition = part.filename == null
      ? `form-data; name="${part.field}"`
      : `form-data; name="${part.field}"; filename="${part.filename}"`
    const type = part.filename == null ? '' : 'Content-Type: application/octet-stream\r\n'
    pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`), Buffer.from(part.content), Buffer.from('\r\n'))
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(pieces), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

export const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
