// The shared context fills in the settings left out, and keeps those given.
import { describe, expect, it } from 'vitest'
import { createDirectoryContext, DEFAULT_REPLICATION_FACTOR, DEFAULT_RESERVATION_TTL_MS } from '../../src/directory/context.js'
import { createMemoryDirectoryStore } from '../../src/store/memory/index.js'

const log = { info: () => {}, warn: () => {} }

describe('createDirectoryContext', () => {
  it('defaults the replication factor and the reservation TTL', () => {
    const context = createDirectoryContext({ store: createMemoryDirectoryStore(), now: () => 0, heartbeatIntervalMs: 1000, log })
    expect(context.replicationFactor).toBe(DEFAULT_REPLICATION_FACTOR)
    expect(context.reservationTtlMs).toBe(DEFAULT_RESERVATION_TTL_MS)
  })

  it('keeps the settings it is given', () => {
    const context = createDirectoryContext({
      store: createMemoryDirectoryStore(), now: () => 0, heartbeatIntervalMs: 1000, log, replicationFactor: 3, reservationTtlMs: 5
    })
    expect(context.replicationFactor).toBe(3)
    expect(context.reservationTtlMs).toBe(5)
  })
})
