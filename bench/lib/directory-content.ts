// The fake directory the directory benchmark fills: N peers of M files each, where a chosen share of
// the files has one copy only (short of the central's factor of 2) and every other file has two. Pure
// functions of the shape, so the fill and the load (which names to locate, which peers heartbeat)
// agree without keeping a million names in memory.
//
// Peer i holds three kinds of files: `h` files of its own that peer i+1 (in a ring) also holds, the
// `h` files of peer i-1 that it holds as the second copy, and `M - 2h` files that nobody else holds.
import { createHash } from 'node:crypto'
import type { FileEntry, RegisterPeerBody } from '@p2p/proto'

export interface DirectoryShape {
  peers: number
  filesPerPeer: number
  /** The share of files (not holdings) held by one peer only, from 0 to 1. */
  shortShare: number
}

export interface ShapeCounts {
  holdings: number
  files: number
  /** Files held by one peer only. */
  shortFiles: number
  /** Files per peer that its ring neighbour also holds (`h`). */
  pairedPerPeer: number
  /** Files per peer that nobody else holds (`M - 2h`). */
  soloPerPeer: number
}

/** Every fake file's declared size; nothing ever transfers it. */
export const FAKE_FILE_BYTES = 1024 * 1024
/** Room enough that placements and copy orders always find some. */
export const FAKE_PEER_CAPACITY_BYTES = 2 ** 40

export function shapeCounts (shape: DirectoryShape): ShapeCounts {
  // With x solo and h paired files per peer, x + 2h = M and the short share is x / (x + h).
  const pairedPerPeer = Math.min(Math.floor(shape.filesPerPeer / 2), Math.round(shape.filesPerPeer * (1 - shape.shortShare) / (2 - shape.shortShare)))
  const soloPerPeer = shape.filesPerPeer - 2 * pairedPerPeer
  return {
    holdings: shape.peers * shape.filesPerPeer,
    files: shape.peers * (pairedPerPeer + soloPerPeer),
    shortFiles: shape.peers * soloPerPeer,
    pairedPerPeer,
    soloPerPeer
  }
}

export function peerIdOf (index: number): string {
  return `bench-peer-${index}`
}

const pairedName = (owner: number, slot: number): string => `bench-${owner}-pair-${slot}.bin`
const soloName = (owner: number, slot: number): string => `bench-${owner}-solo-${slot}.bin`

/** The name of slot `slot` (0..M-1) of peer `index`. */
export function heldName (shape: DirectoryShape, index: number, slot: number): string {
  const { pairedPerPeer } = shapeCounts(shape)
  if (slot < pairedPerPeer) return pairedName(index, slot)
  if (slot < 2 * pairedPerPeer) return pairedName((index + shape.peers - 1) % shape.peers, slot - pairedPerPeer)
  return soloName(index, slot - 2 * pairedPerPeer)
}

function entryOf (name: string): FileEntry {
  return { name, size: FAKE_FILE_BYTES, sha256: createHash('sha256').update(name).digest('hex') }
}

/** What peer `index` registers with: its whole file list, on an address nobody ever dials. */
export function registrationOf (shape: DirectoryShape, index: number): RegisterPeerBody {
  const files = Array.from({ length: shape.filesPerPeer }, (_, slot) => entryOf(heldName(shape, index, slot)))
  const freeBytes = FAKE_PEER_CAPACITY_BYTES - shape.filesPerPeer * FAKE_FILE_BYTES
  return { peerId: peerIdOf(index), grpcAddress: '127.0.0.1:9', capacityBytes: FAKE_PEER_CAPACITY_BYTES, freeBytes, activeTransfers: 0, files }
}

/** A held name picked at random, every holding as likely as any other. */
export function randomHeldName (shape: DirectoryShape): string {
  return heldName(shape, Math.floor(Math.random() * shape.peers), Math.floor(Math.random() * shape.filesPerPeer))
}
