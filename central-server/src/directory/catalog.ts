// The catalog's answers: every file of the network by name (live ones and lost ones), where one file can
// be fetched from, and the counts of /health and /replication. The catalog remembers each name's content
// after its last holder is gone, so such a file is answered as lost, not as unknown (file-views.ts turns
// holdings into what these answers show).
import type { FileView, HealthResponse, LostFile, ReplicationReport } from '@p2p/proto'
import { FileLostError, FileNotFoundError } from '../errors.js'
import { compareStrings } from '../store/compare-strings.js'
import type { CatalogRecord, HoldingRecord, PeerRecord, PeerSummary } from '../store/directory-store.js'
import type { DirectoryContext } from './context.js'
import { expiryCutoff } from './expiry.js'
import { buildFileViews, byName, lostFileView } from './file-views.js'

/** What the directory holds as of `cutoff`: live peers and their holdings, the files they make, and the catalog's lost files. */
export interface CatalogSnapshot {
  peers: PeerSummary[]
  /** Every live holding, whatever its content. */
  holdings: HoldingRecord[]
  /** Files with at least one live copy, by name. */
  live: FileView[]
  /** Catalog entries no live peer holds. */
  lost: CatalogRecord[]
}

export async function readCatalogSnapshot (context: DirectoryContext, cutoff = expiryCutoff(context)): Promise<CatalogSnapshot> {
  const { store, replicationFactor } = context
  const [peers, holdings, catalog] = await Promise.all([
    store.listPeers({ seenAfter: cutoff }), store.listHoldings({ seenAfter: cutoff }), store.listCatalog()
  ])
  const live = buildFileViews(holdings, new Map(peers.map((peer) => [peer.peerId, peer])), byName(catalog), replicationFactor)
  const liveNames = new Set(live.map((file) => file.name))
  return { peers, holdings, live, lost: catalog.filter((entry) => !liveNames.has(entry.name)) }
}

/** Every file by name: those with a live copy, and the lost ones with none. */
export async function listFiles (context: DirectoryContext): Promise<FileView[]> {
  const { live, lost } = await readCatalogSnapshot(context)
  return [...live, ...lost.map(lostFileView)].sort((a, b) => compareStrings(a.name, b.name))
}

/** Throws FileLostError for a known file no live peer holds, FileNotFoundError for an unknown one. */
export async function locate (context: DirectoryContext, name: string): Promise<FileView> {
  const { store, replicationFactor } = context
  const cutoff = expiryCutoff(context)
  const [holdings, entry] = await Promise.all([store.listHoldings({ seenAfter: cutoff, name }), store.getCatalogEntry(name)])
  const peers = await Promise.all(holdings.map(async (holding) => await store.getPeer(holding.peerId)))
  const live = peers.filter((peer): peer is PeerRecord => peer != null && peer.lastSeenAt > cutoff)
  const catalog = new Map(entry == null ? [] : [[name, entry]])
  const view = buildFileViews(holdings, new Map(live.map((peer) => [peer.peerId, peer])), catalog, replicationFactor)[0]
  if (view != null) return view
  if (entry != null) throw new FileLostError(name)
  throw new FileNotFoundError(name)
}

export async function health (context: DirectoryContext): Promise<HealthResponse> {
  const { peers, live, lost } = await readCatalogSnapshot(context)
  const underReplicated = live.filter((file) => file.status === 'under-replicated').length
  return { status: 'ok', peers: peers.length, files: live.length, replicationFactor: context.replicationFactor, underReplicated, lost: lost.length }
}

export async function replicationReport (context: DirectoryContext): Promise<ReplicationReport> {
  const [{ live, lost }, reservations] = await Promise.all([readCatalogSnapshot(context), context.store.listReservations(context.now())])
  return {
    replicationFactor: context.replicationFactor,
    files: live.length,
    underReplicated: live.filter((file) => file.status === 'under-replicated'),
    lost: lost.map(toLostFile),
    copiesInProgress: reservations.filter((reservation) => reservation.kind === 'replica').length
  }
}

function toLostFile (entry: CatalogRecord): LostFile {
  return { name: entry.name, size: entry.size, sha256: entry.sha256, addedAt: new Date(entry.addedAt).toISOString() }
}
