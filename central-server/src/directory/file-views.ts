// Turns raw holdings into the directory's file list: one entry per name, showing the content most live
// peers agree on, with its holders least loaded first and how many copies that is against the
// replication factor.
import type { FileView, Holder } from '@p2p/proto'
import { compareStrings } from '../compare-strings.js'
import type { HoldingRecord, PeerRecord } from '../store/directory-store.js'

interface Content {
  size: number
  sha256: string
  firstAnnouncedAt: number
  holders: PeerRecord[]
}

/**
 * Groups the holdings of live peers by name, sorted by name. When holders of one name disagree on the
 * content, the content with the most holders wins (tie: the one announced first), and only its holders
 * are listed. Holdings of peers missing from `livePeers` are ignored.
 */
export function buildFileViews (
  holdings: readonly HoldingRecord[],
  livePeers: ReadonlyMap<string, PeerRecord>,
  replicationFactor: number
): FileView[] {
  const byName = new Map<string, Map<string, Content>>()
  for (const holding of holdings) {
    const peer = livePeers.get(holding.peerId)
    if (peer == null) continue
    let contents = byName.get(holding.name)
    if (contents == null) byName.set(holding.name, contents = new Map())
    const key = `${holding.sha256}:${holding.size}`
    const content = contents.get(key)
    if (content == null) {
      contents.set(key, { size: holding.size, sha256: holding.sha256, firstAnnouncedAt: holding.announcedAt, holders: [peer] })
    } else {
      content.holders.push(peer)
      content.firstAnnouncedAt = Math.min(content.firstAnnouncedAt, holding.announcedAt)
    }
  }

  const views: FileView[] = []
  for (const [name, contents] of byName) {
    const winner = [...contents.values()].sort(compareContents)[0]
    if (winner == null) continue
    const replicas = winner.holders.length
    views.push({
      name,
      size: winner.size,
      sha256: winner.sha256,
      addedAt: new Date(winner.firstAnnouncedAt).toISOString(),
      holders: winner.holders.sort(compareLoad).map(toHolder),
      replicas,
      status: replicas >= replicationFactor ? 'ok' : 'under-replicated'
    })
  }
  return views.sort((a, b) => compareStrings(a.name, b.name))
}

function compareContents (a: Content, b: Content): number {
  return (b.holders.length - a.holders.length) ||
    (a.firstAnnouncedAt - b.firstAnnouncedAt) ||
    compareStrings(a.sha256, b.sha256)
}

/** Least loaded first: fewest active transfers, then most free space, then peer id for a stable order. */
function compareLoad (a: PeerRecord, b: PeerRecord): number {
  return (a.activeTransfers - b.activeTransfers) ||
    (b.freeBytes - a.freeBytes) ||
    compareStrings(a.peerId, b.peerId)
}

function toHolder (peer: PeerRecord): Holder {
  return { peerId: peer.peerId, grpcAddress: peer.grpcAddress, freeBytes: peer.freeBytes, activeTransfers: peer.activeTransfers }
}
