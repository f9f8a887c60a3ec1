// Every service's metrics, end to end: a network of real processes (a central and two peers, each
// service on its own metrics port), one file uploaded, copied by the central's order and downloaded,
// and each service's GET /metrics read as Prometheus text before and after. The bytes counters grow
// by exactly the file's size on the services and kinds that moved it; /metrics through a proxy's
// public port is a 404 that never reaches the service behind it.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { PIECE_BYTES } from '@p2p/proto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServiceSlot } from '../scripts/lib/service-slot.js'
import { downloadThroughPage, eventually, makeRandomFile, startTestNetwork, uploadThroughPage } from './helpers.js'
import type { TestNetwork } from './helpers.js'
import { hasSample, parseExposition, valueOf } from './metrics/exposition.js'
import type { Exposition } from './metrics/exposition.js'
import { promtool, promtoolMissing } from './metrics/promtool.js'

/** One piece (so one holder serves a download of it), in several chunk messages. */
const SIZE = PIECE_BYTES - 4321
const HEARTBEAT_MS = 300
/** prom-client's default metrics: gauges whose names end in _total, which promtool's lint rightly flags. */
const LIBRARY_NAMES = /^p2p_nodejs_active_(handles|requests|resources)_total /

let network: TestNetwork
let scratch: string

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'p2p-e2e-metrics-'))
  // No seed files: every byte the counters see is this test's file.
  network = await startTestNetwork({ peers: 2, heartbeatIntervalMs: HEARTBEAT_MS, seedDir: null, replicationFactor: 2 })
})

afterAll(async () => {
  await network?.teardown()
  await rm(scratch, { recursive: true, force: true })
})

const slot = (label: string): ServiceSlot => {
  const found = network.services.find((service) => service.label === label)
  if (found == null) throw new Error(`no service ${label}`)
  return found
}

async function scrape (label: string): Promise<Exposition> {
  const url = slot(label).process.metricsUrl
  if (url == null) throw new Error(`${label} logged no metrics URL`)
  const response = await fetch(`${url}/metrics`)
  expect(response.status, label).toBe(200)
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
  return parseExposition(await response.text())
}

const bytes = (exposition: Exposition, kind: string, direction: string): number =>
  valueOf(exposition, 'p2p_transfer_bytes_total', { kind, direction })

describe('metrics', () => {
  it('serves every service\'s metrics on a port of its own, as Prometheus text with its process metrics', async () => {
    const labels = network.services.map((service) => service.label).filter((label) => label !== 'redis-server')
    expect(labels).toEqual(['central-server', 'central proxy', 'peer-1 pserver', 'peer-1 pclient', 'peer-1 proxy', 'peer-2 pserver', 'peer-2 pclient', 'peer-2 proxy'])
    const ports = new Set<string>()
    for (const label of labels) {
      const service = slot(label).process
      const metricsPort = new URL(service.metricsUrl ?? '').port
      expect(metricsPort, label).not.toBe(service.url == null ? '' : new URL(service.url).port)
      ports.add(metricsPort)
      const exposition = await scrape(label)
      expect(exposition.types.get('p2p_process_cpu_seconds_total'), label).toBe('counter')
      expect(hasSample(exposition, 'p2p_process_resident_memory_bytes'), label).toBe(true)
      // Every name under the one prefix.
      expect(exposition.samples.filter((sample) => !sample.name.startsWith('p2p_')).map((sample) => sample.name), label).toEqual([])
    }
    expect(ports.size).toBe(labels.length)
  })

  it('passes promtool\'s check of the format and of Prometheus\' naming conventions', async (context) => {
    const missing = await promtoolMissing()
    if (missing != null && process.env.CI !== 'true') context.skip()
    for (const label of ['central-server', 'central proxy', 'peer-1 pserver', 'peer-1 pclient']) {
      const text = await (await fetch(`${slot(label).process.metricsUrl ?? ''}/metrics`)).text()
      const checked = await promtool(['check', 'metrics'], text)
      const complaints = checked.output.split('\n').filter((line) => line !== '' && !LIBRARY_NAMES.test(line))
      expect(complaints, label).toEqual([])
    }
  })

  it('grows the bytes counters by exactly the file\'s size where an upload, its copy and a download moved it', async () => {
    const before = new Map<string, Exposition>()
    for (const label of ['peer-1 pclient', 'peer-2 pclient', 'peer-1 pserver', 'peer-2 pserver']) before.set(label, await scrape(label))
    const grew = async (label: string, kind: string, direction: string): Promise<number> =>
      bytes(await scrape(label), kind, direction) - bytes(before.get(label)!, kind, direction)

    const source = await makeRandomFile(scratch, 'measured.bin', SIZE)
    const uploaded = await uploadThroughPage(network.peers[0]!.url, source.path, 'measured.bin')
    expect(uploaded.status).toBe(201)
    const [holder] = (await uploaded.json() as { peers: string[] }).peers
    const copier = holder === 'peer-1' ? 'peer-2' : 'peer-1'
    expect(await grew('peer-1 pclient', 'upload', 'sent')).toBe(SIZE)
    expect(await grew(`${holder!} pserver`, 'upload', 'received')).toBe(SIZE)

    // The central orders the second copy with a heartbeat; the copier fetches it from the holder.
    await eventually('the copy to be made', async () => await grew(`${copier} pserver`, 'replication', 'received') === SIZE ? true : undefined)
    expect(await grew(`${holder!} pserver`, 'replication', 'sent')).toBe(SIZE)
    expect(await grew(`${copier} pserver`, 'upload', 'received')).toBe(0)

    const downloaded = await downloadThroughPage(network.peers[1]!.url, 'measured.bin')
    expect([downloaded.response.status, downloaded.bytes, downloaded.sha256]).toEqual([200, SIZE, source.sha256])
    expect(await grew('peer-2 pclient', 'download', 'received')).toBe(SIZE)
    // One piece, so one holder served it, whichever the central listed first.
    expect(await grew('peer-1 pserver', 'download', 'sent') + await grew('peer-2 pserver', 'download', 'sent')).toBe(SIZE)
    // A copy is never counted as a user's download, nor a download as a copy.
    expect(await grew('peer-1 pclient', 'download', 'received')).toBe(0)
    for (const label of ['peer-1 pserver', 'peer-2 pserver', 'peer-1 pclient', 'peer-2 pclient']) {
      expect(valueOf(await scrape(label), 'p2p_transfers_in_progress'), label).toBe(0)
    }
    const pclient = await scrape('peer-2 pclient')
    expect(valueOf(pclient, 'p2p_http_request_duration_seconds_count', { method: 'GET', route: '/download/:name', status: '200' })).toBe(1)
    expect(valueOf(pclient, 'p2p_download_piece_verification_failures_total')).toBe(0)
  })

  it('shows the central\'s heartbeats and the whole directory', async () => {
    const central = await scrape('central-server')
    expect(valueOf(central, 'p2p_heartbeats_received_total', { outcome: 'accepted' })).toBeGreaterThan(0)
    expect(valueOf(central, 'p2p_directory_peers')).toBe(2)
    expect(valueOf(central, 'p2p_directory_files')).toBe(1)
    expect(valueOf(central, 'p2p_directory_holdings')).toBe(2)
    expect(valueOf(central, 'p2p_directory_files_under_replicated')).toBe(0)
    expect(valueOf(central, 'p2p_directory_files_lost')).toBe(0)
    expect(valueOf(central, 'p2p_directory_store_up')).toBe(1)
    expect(valueOf(central, 'p2p_directory_store_operation_duration_seconds_count', { operation: 'putPeer', outcome: 'ok' })).toBeGreaterThanOrEqual(2)
  })

  it('serves a restarted service\'s metrics on the port it had, so whatever scrapes it finds it again', async () => {
    const proxy = slot('peer-2 proxy')
    const before = proxy.process.metricsUrl
    await proxy.process.stop()
    await proxy.start()
    expect(proxy.process.metricsUrl).toBe(before)
    expect(hasSample(await scrape('peer-2 proxy'), 'p2p_proxy_upstream_failures_total', { outcome: 'retried' })).toBe(true)
  })

  it('answers /metrics through a proxy\'s public port with a 404 of its own, on the central machine and on a peer', async () => {
    for (const publicUrl of [network.central.url, network.peers[0]!.url]) {
      for (const metricsPath of ['/metrics', '/metrics/']) {
        const response = await fetch(`${publicUrl}${metricsPath}`)
        expect(response.status, `${publicUrl}${metricsPath}`).toBe(404)
        expect(await response.json()).toMatchObject({ statusCode: 404, error: 'PROXY_NOT_FOUND' })
      }
    }
    // It never reached the service behind: its HTTP durations saw no such request.
    for (const label of ['central-server', 'peer-1 pclient']) {
      const exposition = await scrape(label)
      expect(exposition.samples.filter((sample) => sample.labels.route === 'unmatched'), label).toEqual([])
    }
  })
})
