// Builds a central app for tests with a clock they move by hand, plus request shortcuts.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { RegisterPeerBody } from '@p2p/proto'
import { buildCentralApp } from '../../src/app.js'
import type { DirectoryStore } from '../../src/store/directory-store.js'
import { createMemoryDirectoryStore } from '../../src/store/memory-directory-store.js'

export const HEARTBEAT_INTERVAL_MS = 1000
export const EXPIRES_AFTER_MS = 3 * HEARTBEAT_INTERVAL_MS

export interface ManualClock {
  now: () => number
  advance: (ms: number) => void
}

export function createManualClock (start = Date.UTC(2026, 0, 1)): ManualClock {
  let time = start
  return { now: () => time, advance: (ms) => { time += ms } }
}

export interface TestCentral {
  app: FastifyInstance
  clock: ManualClock
  store: DirectoryStore
}

export function buildTestCentral (options: { reservationTtlMs?: number, store?: DirectoryStore } = {}): TestCentral {
  const clock = createManualClock()
  const store = options.store ?? createMemoryDirectoryStore()
  const app = buildCentralApp({
    config: { heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS },
    store,
    now: clock.now,
    ...(options.reservationTtlMs == null ? {} : { reservationTtlMs: options.reservationTtlMs })
  })
  return { app, clock, store }
}

/** A distinct, valid SHA-256 for each seed character. */
export function sha (seed: string): string {
  return seed.repeat(64).slice(0, 64)
}

export function peerBody (peerId: string, overrides: Partial<RegisterPeerBody> = {}): RegisterPeerBody {
  return {
    peerId,
    grpcAddress: `127.0.0.1:${50_000 + peerId.length}`,
    capacityBytes: 1000,
    freeBytes: 1000,
    activeTransfers: 0,
    files: [],
    ...overrides
  }
}

export async function register (app: FastifyInstance, body: RegisterPeerBody): Promise<LightMyRequestResponse> {
  return await app.inject({ method: 'POST', url: '/peers', payload: body })
}

export async function heartbeat (app: FastifyInstance, peerId: string, body: { freeBytes: number, activeTransfers?: number }): Promise<LightMyRequestResponse> {
  return await app.inject({ method: 'PUT', url: `/peers/${encodeURIComponent(peerId)}/heartbeat`, payload: body })
}

export async function announce (
  app: FastifyInstance, peerId: string, body: { name: string, size: number, sha256: string, freeBytes: number }
): Promise<LightMyRequestResponse> {
  return await app.inject({ method: 'POST', url: `/peers/${encodeURIComponent(peerId)}/files`, payload: body })
}

export async function getJson<T = unknown> (app: FastifyInstance, url: string): Promise<T> {
  const response = await app.inject({ method: 'GET', url })
  if (response.statusCode !== 200) throw new Error(`GET ${url} answered ${response.statusCode}: ${response.body}`)
  return response.json<T>()
}
