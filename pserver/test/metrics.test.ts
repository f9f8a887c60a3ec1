// The pserver's metrics over real gRPC calls: a user's upload counted as received, a user's download
// as sent, a copy for the central as replication on both peers (the copier says so in its calls'
// metadata), nothing left in progress, and what the peer stores read on each scrape.
import type { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { createPeerMetrics } from '../src/metrics.js'
import { download, sha256, startTestPeer, upload } from './helpers.js'
import type { TestPeer } from './helpers.js'

let peers: TestPeer[] = []
afterEach(async () => {
  await Promise.all(peers.map(async (peer) => { await peer.close() }))
  peers = []
})

/** A peer with its metrics, as server.ts builds them. */
async function startMeteredPeer (): Promise<{ peer: TestPeer, registry: Registry }> {
  let registry: Registry | null = null
  const peer = await startTestPeer({
    meter: (store) => {
      const metrics = createPeerMetrics(store)
      registry = metrics.registry
      return metrics.meter
    }
  })
  peers.push(peer)
  if (registry == null) throw new Error('the peer was built without its metrics')
  return { peer, registry }
}

async function bytes (registry: Registry, kind: string, direction: string): Promise<number | undefined> {
  const { values } = await registry.getSingleMetric('p2p_transfer_bytes_total')!.get()
  return values.find((value) => value.labels.kind === kind && value.labels.direction === direction)?.value
}

const content = Buffer.alloc(2 * 1024 * 1024 + 333, 'metered ')

describe('the pserver\'s metrics', () => {
  it('count an upload received, a download sent and a copy on both sides, by the file\'s exact size', async () => {
    const source = await startMeteredPeer()
    const target = await startMeteredPeer()
    await upload(source.peer.client, { name: 'movie.bin', size: content.length, sha256: '', sizeIsMaximum: false }, [content.subarray(0, 1000), content.subarray(1000)])
    expect(await bytes(source.registry, 'upload', 'received')).toBe(content.length)

    const fetched = await download(source.peer.client, { name: 'movie.bin', offset: 0, length: 0 })
    expect(fetched.equals(content)).toBe(true)
    expect(await bytes(source.registry, 'download', 'sent')).toBe(content.length)

    target.peer.peer.replicator.accept([{
      name: 'movie.bin', size: content.length, sha256: sha256(content), sources: [{ peerId: 'source', grpcAddress: source.peer.address }], ticket: 'unchecked'
    }])
    await target.peer.peer.replicator.idle()
    expect(await bytes(target.registry, 'replication', 'received')).toBe(content.length)
    expect(await bytes(source.registry, 'replication', 'sent')).toBe(content.length)
    // The copy is not a user's download.
    expect(await bytes(source.registry, 'download', 'sent')).toBe(content.length)

    const text = await source.registry.metrics()
    for (const kind of ['download', 'upload', 'replication']) expect(text).toContain(`p2p_transfers_in_progress{kind="${kind}"} 0`)
    expect(await target.registry.metrics()).toMatch(/^p2p_peer_files 1$/m)
    expect(await target.registry.metrics()).toMatch(/^p2p_peer_free_bytes \d+$/m)
  })
})
