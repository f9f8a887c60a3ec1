// Transfer tickets: a placement carries an upload ticket good only at the chosen peer, for that name and
// size; a locate carries a download ticket good at every listed holder, for that name, size and hash.
import { deriveClusterKeys, TicketError, verifyTicket } from '@p2p/proto'
import type { LocatedFile, Placement, VerifiedTicket } from '@p2p/proto'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestCentral, leave, locate, peerBody, place, register, sha, TEST_KEYS } from '../helpers/central-app.js'
import type { TestCentral } from '../helpers/central-app.js'

const TICKET_TTL_MS = 10_000

let central: TestCentral
afterEach(async () => { await central.app.close() })

function start (): TestCentral {
  central = buildTestCentral({ config: { ticketTtlMs: TICKET_TTL_MS } })
  return central
}

async function refusal (promise: Promise<VerifiedTicket>): Promise<string> {
  try {
    await promise
  } catch (err) {
    if (err instanceof TicketError) return err.reason
    throw err
  }
  throw new Error('the ticket was accepted')
}

describe('upload tickets (POST /placements)', () => {
  it('are good at the chosen peer only, for an upload of that name and size, until they expire', async () => {
    const { app, clock } = start()
    await register(app, peerBody('small', { freeBytes: 100 }))
    await register(app, peerBody('large', { freeBytes: 900 }))
    const response = await place(app, { name: 'holiday.mp4', size: 50 })
    expect(response.statusCode).toBe(201)
    const placement = response.json<Placement>()
    expect(placement.peerId).toBe('large')
    const ticket = placement.ticket ?? ''
    const key = TEST_KEYS.transferTickets
    const now = clock.now()

    expect(await verifyTicket(key, ticket, { peerId: 'large', kind: 'upload' }, now))
      .toEqual({ kind: 'upload', name: 'holiday.mp4', size: 50, peers: ['large'] })
    expect(await refusal(verifyTicket(key, ticket, { peerId: 'small', kind: 'upload' }, now))).toBe('wrong-peer')
    expect(await refusal(verifyTicket(key, ticket, { peerId: 'large', kind: 'download' }, now))).toBe('wrong-kind')
    expect(await refusal(verifyTicket(TEST_KEYS.peerRequests, ticket, { peerId: 'large', kind: 'upload' }, now))).toBe('invalid')
    expect(await refusal(verifyTicket(deriveClusterKeys('another-cluster-secret-0123456789abcdef0123').transferTickets, ticket, { peerId: 'large', kind: 'upload' }, now))).toBe('invalid')
    expect(await verifyTicket(key, ticket, { peerId: 'large', kind: 'upload' }, now + TICKET_TTL_MS - 1000)).toMatchObject({ name: 'holiday.mp4' })
    expect(await refusal(verifyTicket(key, ticket, { peerId: 'large', kind: 'upload' }, now + TICKET_TTL_MS + 1000))).toBe('expired')
  })
})

describe('download tickets (GET /files/:name)', () => {
  it('are good at every listed holder, for a download of that content, and nowhere else', async () => {
    const { app, clock } = start()
    // The content the name stands for is listed; a peer holding other bytes under it is not, and gets no ticket.
    await register(app, peerBody('m1', { activeTransfers: 2, files: [{ name: 'doc.txt', size: 2, sha256: sha('2') }] }))
    await register(app, peerBody('m2', { files: [{ name: 'doc.txt', size: 2, sha256: sha('2') }] }))
    await register(app, peerBody('early', { files: [{ name: 'doc.txt', size: 1, sha256: sha('1') }] }))
    const response = await locate(app, 'doc.txt')
    expect(response.statusCode).toBe(200)
    const located = response.json<LocatedFile>()
    expect(located.holders.map((holder) => holder.peerId)).toEqual(['m2', 'm1'])
    const ticket = located.ticket ?? ''
    const key = TEST_KEYS.transferTickets
    const now = clock.now()

    for (const peerId of ['m1', 'm2']) {
      expect(await verifyTicket(key, ticket, { peerId, kind: 'download' }, now))
        .toEqual({ kind: 'download', name: 'doc.txt', size: 2, sha256: sha('2'), peers: ['m2', 'm1'] })
    }
    expect(await refusal(verifyTicket(key, ticket, { peerId: 'early', kind: 'download' }, now))).toBe('wrong-peer')
    expect(await refusal(verifyTicket(key, ticket, { peerId: 'm1', kind: 'upload' }, now))).toBe('wrong-kind')
    expect(await refusal(verifyTicket(key, ticket, { peerId: 'm1', kind: 'download' }, now + TICKET_TTL_MS + 1000))).toBe('expired')

    // Once a holder leaves, new tickets no longer name it.
    await leave(app, 'm2')
    const after = (await locate(app, 'doc.txt')).json<LocatedFile>()
    expect(await refusal(verifyTicket(key, after.ticket ?? '', { peerId: 'm2', kind: 'download' }, now))).toBe('wrong-peer')
  })
})
