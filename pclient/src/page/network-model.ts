// The network as the page shows it: the central directory's status and every live peer with its
// address, how full it is, how many files it holds and when it was last heard from.
import type { CentralClient, HealthResponse, PeerView } from '@p2p/proto'
import { formatBytes } from '../byte-size.js'
import { toHttpError } from '../error-mapping.js'
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
  /** null when the central could not be asked; then `centralError` says why. */
  central: HealthResponse | null
  centralError: string | null
  peers: PagePeer[]
}

export interface NetworkComponents {
  central: Pick<CentralClient, 'listPeers' | 'health'>
  /** This client's PEER_NAME, to mark its own peer in the list. */
  selfPeer: string | null
}

export async function buildNetworkModel (components: NetworkComponents, now: number): Promise<NetworkModel> {
  try {
    const [health, peers] = await Promise.all([components.central.health(), components.central.listPeers()])
    return {
      central: health,
      centralError: null,
      peers: peers.map((peer) => toPagePeer(peer, components.selfPeer, now)).sort((a, b) => a.peerId.localeCompare(b.peerId, 'en', { numeric: true }))
    }
  } catch (err) {
    return { central: null, centralError: toHttpError(err).message, peers: [] }
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
