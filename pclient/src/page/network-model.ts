// The network as the page shows it: the central directory's status and every live peer with its
// address, how full it is, how many files it holds and when it was last heard from. When the central
// does not answer, the peers it last listed, with a notice.
import type { HealthResponse, PeerView } from '@p2p/proto'
import { formatBytes } from '@p2p/proto'
import { leastCurrent, readForPage } from './last-known.js'
import type { CentralSnapshots, CentralUnreachableNotice } from './last-known.js'
import { timeAgo } from './time-ago.js'

export interface PagePeer {
  peerId: string
  isSelf: boolean
  address: string
  capacityBytes: number
  usedBytes: number
  /** Where the space bar turns to a warning, then to "nearly full". */
  meterLow: number
  meterHigh: number
  /** '3.0 MiB used of 8.0 MiB' */
  space: string
  free: string
  /** Whole percent used, for people; the bar itself uses the byte counts. */
  usedPercent: number
  fileCount: number
  activeTransfers: number
  lastSeenAt: string
  lastSeen: string
}

export interface NetworkModel {
  /** The central's status; null when it never answered. */
  central: HealthResponse | null
  /** Set when the central does not answer now: `central` and `peers` are then its last answers. */
  unreachable: CentralUnreachableNotice | null
  peers: PagePeer[]
}

export interface NetworkComponents {
  /** The central's reads, with the last answers to fall back on (central-reads.ts). */
  snapshots: CentralSnapshots
  /** This client's PEER_NAME, to mark its own peer in the list. */
  selfPeer: string | null
}

export async function buildNetworkModel (components: NetworkComponents, now: number): Promise<NetworkModel> {
  const [health, peers] = await Promise.all([
    readForPage(components.snapshots, 'health', now),
    readForPage(components.snapshots, 'listPeers', now)
  ])
  return {
    central: health.value,
    unreachable: leastCurrent(health, peers),
    peers: (peers.value ?? []).map((peer) => toPagePeer(peer, components.selfPeer, now)).sort((a, b) => a.peerId.localeCompare(b.peerId, 'en', { numeric: true }))
  }
}

export function toPagePeer (peer: PeerView, selfPeer: string | null, now: number): PagePeer {
  // Free space may also be bounded by the real disk, so what is "used" is what the capacity lacks.
  const used = Math.max(0, peer.capacityBytes - peer.freeBytes)
  return {
    peerId: peer.peerId,
    isSelf: peer.peerId === selfPeer,
    address: peer.grpcAddress,
    capacityBytes: peer.capacityBytes,
    usedBytes: used,
    meterLow: Math.round(peer.capacityBytes * 0.75),
    meterHigh: Math.round(peer.capacityBytes * 0.9),
    space: `${formatBytes(used)} used of ${formatBytes(peer.capacityBytes)}`,
    free: `${formatBytes(peer.freeBytes)} free`,
    usedPercent: peer.capacityBytes > 0 ? Math.round((used / peer.capacityBytes) * 100) : 0,
    fileCount: peer.fileCount,
    activeTransfers: peer.activeTransfers,
    lastSeenAt: peer.lastSeenAt,
    lastSeen: timeAgo(peer.lastSeenAt, now)
  }
}
