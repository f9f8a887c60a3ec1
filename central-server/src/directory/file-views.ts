// Turns raw holdings into the directory's file list: one entry per name, showing the content the name
// stands for in the catalog, with its holders least loaded first and how many copies that is against
// the replication factor; and the catalog's files that no live peer holds, marked lost.
import type { FileView, Holder } from '@p2p/proto'
import { compareStrings } from '../store/compare-strings.js'
import type { CatalogRecord, HoldingRecord, PeerRecord } from '../store/directory-store.js'

interface Content {
  size: number
  sha256: string
  firstAnnouncedAt: number
  holders: PeerRecord[]
}

/**
 * Groups the holdings of live peers by name, sorted by name. A name shows only the content the catalog
 * says it stands for, and only that content's holders: a peer holding other bytes under the name (two
 * seed folders that differ, a peer back from a long absence) is never listed for it, so a download
 * never mixes contents and the name never silently switches to other bytes when a holder dies. A name
 * whose catalog content no live peer holds has no entry here (it is lost). For a name the catalog does
 * not know, the content with the most holders wins (tie: the one announced first). Holdings of peers
 * missing from `livePeers` are ignored.
 */
export function buildFileViews (
  holdings: readonly HoldingRecord[],
  livePeers: ReadonlyMap<string, PeerRecord>,
  catalog: ReadonlyMap<string, Pick<CatalogRecord, 'size' | 'sha256'>>,
  replicationFactor: number
): FileView[] {
  const byName = new Map<string, Map<string, Content>>()
  for (const holding of holdings) {
    const peer = livePeers.get(holding.peerId)
    if (peer == null) continue
    const known = catalog.get(holding.name)
    if (known != null && (known.sha256 !== holding.sha256 || known.size !== holding.size)) continue
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

/** A catalog entry no live peer holds, as the file list shows it. */
export function lostFileView (entry: CatalogRecord): FileView {
  return {
    name: entry.name,
    size: entry.size,
    sha256: entry.sha256,
    addedAt: new Date(entry.addedAt).toISOString(),
    holders: [],
    replicas: 0,
    status: 'lost'
  }
}

/** Entries keyed by their name. */
export function byName<T extends { name: string }> (entries: readonly T[]): Map<string, T> {
  return new Map(entries.map((entry) => [entry.name, entry]))
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
