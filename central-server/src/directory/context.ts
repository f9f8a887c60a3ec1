// What every directory operation shares: the store that holds all state, the clock every time comes from,
// the settings, and the log. Each operation is a function of this context (one group per file), so
// replicas over one store and tests with a hand-moved clock agree on the state and on what "now" is.
import type { FastifyBaseLogger } from 'fastify'
import type { DirectoryStore } from '../store/directory-store.js'

/** Copies of each file the central keeps when not configured otherwise. */
export const DEFAULT_REPLICATION_FACTOR = 2
/**
 * How long a placement holds its name and room if its peer never says it is receiving the upload; a
 * peer's heartbeat renews the claims of the uploads it is receiving, however long they take.
 */
export const DEFAULT_RESERVATION_TTL_MS = 60_000

/** How long a deleted file's tombstone lasts: longer than any peer is expected to stay away (7 days). */
export const DEFAULT_TOMBSTONE_TTL_MS = 7 * 24 * 3600 * 1000

export interface DirectoryContext {
  store: DirectoryStore
  /** Epoch milliseconds. */
  now: () => number
  /** How often peers heartbeat; a peer's expiry and a copy order's life are counted in these (expiry.ts). */
  heartbeatIntervalMs: number
  /** How long an upload's name claim holds without a heartbeat saying it is being received (placement.ts). */
  reservationTtlMs: number
  /** Live copies to keep of each file (copy-orders.ts). */
  replicationFactor: number
  /** How long a deleted file's tombstone refuses its content under its name (deletion.ts). */
  tombstoneTtlMs: number
  /** Called once per file deleted (the metrics count them). */
  onDeleted?: () => void
  log: Pick<FastifyBaseLogger, 'info' | 'warn'>
}

/** The context's parts, with the settings that have defaults left optional. */
export type DirectoryContextOptions = Omit<DirectoryContext, 'reservationTtlMs' | 'replicationFactor' | 'tombstoneTtlMs'> &
Partial<Pick<DirectoryContext, 'reservationTtlMs' | 'replicationFactor' | 'tombstoneTtlMs'>>

export function createDirectoryContext (options: DirectoryContextOptions): DirectoryContext {
  return {
    ...options,
    reservationTtlMs: options.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS,
    replicationFactor: options.replicationFactor ?? DEFAULT_REPLICATION_FACTOR,
    tombstoneTtlMs: options.tombstoneTtlMs ?? DEFAULT_TOMBSTONE_TTL_MS
  }
}
