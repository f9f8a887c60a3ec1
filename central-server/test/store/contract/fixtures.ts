// What the contract's tests share: a fixed clock, sample records, and how a test opens a store (the suite
// closes every store it opened after each test).
import type { DirectoryStore, PeerRecord, PeerSummary, ReservationRecord } from '../../../src/store/directory-store.js'

export type OpenStore = () => Promise<DirectoryStore>

export const T0 = Date.UTC(2026, 0, 1)
export const SHA_A = 'a'.repeat(64)
export const SHA_B = 'b'.repeat(64)

export function peer (peerId: string, overrides: Partial<PeerRecord> = {}): PeerRecord {
  return {
    peerId,
    grpcAddress: `${peerId}.example:50051`,
    capacityBytes: 1000,
    freeBytes: 800,
    activeTransfers: 1,
    registeredAt: T0,
    lastSeenAt: T0,
    ...overrides
  }
}

/** Every peer of these tests counts as live unless a test says otherwise. */
export const LIVE = { seenAfter: 0 }

export function upload (peerId: string, name: string, size: number, expiresAt = T0 + 1000): ReservationRecord & { kind: 'upload' } {
  return { kind: 'upload', peerId, name, size, placedAt: T0, started: false, expiresAt }
}

export function file (name: string, sha256 = SHA_A, announcedAt = T0): { name: string, size: number, sha256: string, announcedAt: number } {
  return { name, size: 10, sha256, announcedAt }
}

/** Every peer seen after `seenAfter` (all by default), by id, through the paged listing. */
export async function allPeers (store: DirectoryStore, seenAfter = -Infinity): Promise<PeerSummary[]> {
  return await store.pagePeers({ seenAfter, limit: 1000 })
}

/** The ids of the peers seen after `seenAfter` holding the catalog content of `name`, sorted. */
export async function holdersOf (store: DirectoryStore, name: string, seenAfter = -Infinity): Promise<string[]> {
  return (await store.getFile(name, { seenAfter }))?.holders.map((holder) => holder.peerId).sort() ?? []
}

/** The running reservations of these peers at `at`, sorted by peer and name. */
export async function reservationsOf (store: DirectoryStore, peerIds: readonly string[], at = T0): Promise<ReservationRecord[]> {
  const found = (await Promise.all(peerIds.map(async (peerId) => await store.listPeerReservations(peerId, at)))).flat()
  return found.sort((a, b) => a.peerId.localeCompare(b.peerId) || a.name.localeCompare(b.name))
}

/** Names of these peers' running reservations at `at`, sorted. */
export async function reservedNames (store: DirectoryStore, peerIds: readonly string[], at = T0): Promise<string[]> {
  return (await reservationsOf(store, peerIds, at)).map((reservation) => reservation.name).sort()
}
