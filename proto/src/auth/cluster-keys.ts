// Keys derived from the cluster secret. Each purpose gets its own key (HKDF), so a value signed for
// one purpose (a peer's request) can never pass as another (a transfer ticket).
import { hkdfSync } from 'node:crypto'
import { z } from 'zod'

/** The secret every member of one network shares; long enough that guessing it is hopeless. */
export const clusterSecretSchema = z.string().min(32, 'the cluster secret must be at least 32 characters (e.g. `openssl rand -hex 32`)')

export type KeyPurpose = 'peer-requests' | 'transfer-tickets'

export interface ClusterKeys {
  peerRequests: Uint8Array
  transferTickets: Uint8Array
}

function derive (secret: string, purpose: KeyPurpose): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, 'p2p-file-sharing', purpose, 32))
}

export function deriveClusterKeys (secret: string): ClusterKeys {
  return { peerRequests: derive(secret, 'peer-requests'), transferTickets: derive(secret, 'transfer-tickets') }
}
