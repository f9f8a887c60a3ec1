import { describe, expect, it } from 'vitest'
import { deriveClusterKeys } from '../../src/auth/cluster-keys.js'
import { signRequest, verifyRequestSignature, MAX_CLOCK_SKEW_MS } from '../../src/auth/request-signature.js'
import { issueTicket, verifyTicket, TicketError } from '../../src/auth/transfer-tickets.js'

const keys = deriveClusterKeys('a'.repeat(64))
const otherKeys = deriveClusterKeys('b'.repeat(64))
const request = { method: 'PUT', path: '/peers/peer-1/heartbeat', body: '{"freeBytes":1}' }

describe('request signatures', () => {
  it('verifies a request signed with the same cluster secret', () => {
    const headers = signRequest(keys.peerRequests, { signer: 'peer-1', ...request }, 1_000_000)
    expect(verifyRequestSignature(keys.peerRequests, headers, request, 1_000_000)).toEqual({ ok: true, signer: 'peer-1' })
  })

  it.each([
    ['another secret', () => signRequest(otherKeys.peerRequests, { signer: 'peer-1', ...request }, 1_000_000), request],
    ['a changed body', () => signRequest(keys.peerRequests, { signer: 'peer-1', ...request }, 1_000_000), { ...request, body: '{"freeBytes":2}' }],
    ['a changed path', () => signRequest(keys.peerRequests, { signer: 'peer-1', ...request }, 1_000_000), { ...request, path: '/peers/peer-2/heartbeat' }],
    ['a key meant for tickets', () => signRequest(keys.transferTickets, { signer: 'peer-1', ...request }, 1_000_000), request],
    ['an old timestamp', () => signRequest(keys.peerRequests, { signer: 'peer-1', ...request }, 1_000_000 - MAX_CLOCK_SKEW_MS - 1), request],
    ['no headers', () => ({}), request]
  ])('refuses %s', (_what, sign, checked) => {
    expect(verifyRequestSignature(keys.peerRequests, sign(), checked, 1_000_000).ok).toBe(false)
  })

  it('binds the signer: a signature cannot be reused under another name', () => {
    const headers = { ...signRequest(keys.peerRequests, { signer: 'peer-1', ...request }, 1_000_000), 'x-p2p-signer': 'peer-2' }
    expect(verifyRequestSignature(keys.peerRequests, headers, request, 1_000_000).ok).toBe(false)
  })
})

describe('transfer tickets', () => {
  const claims = { kind: 'upload' as const, name: 'a.txt', size: 10 }

  it('round-trips the claims for a peer in the audience', async () => {
    const ticket = await issueTicket(keys.transferTickets, claims, ['peer-1', 'peer-2'])
    expect(await verifyTicket(keys.transferTickets, ticket, { peerId: 'peer-2', kind: 'upload' })).toMatchObject({ ...claims, peers: ['peer-1', 'peer-2'] })
  })

  it.each([
    ['forged (other secret)', async (): Promise<string> => await issueTicket(otherKeys.transferTickets, claims, ['peer-1']), 'peer-1', 'upload', 'invalid'],
    ['expired', async (): Promise<string> => await issueTicket(keys.transferTickets, claims, ['peer-1'], 1000, Date.now() - 60_000), 'peer-1', 'upload', 'expired'],
    ['for another peer', async (): Promise<string> => await issueTicket(keys.transferTickets, claims, ['peer-1']), 'peer-2', 'upload', 'wrong-peer'],
    ['for another kind of transfer', async (): Promise<string> => await issueTicket(keys.transferTickets, claims, ['peer-1']), 'peer-1', 'download', 'wrong-kind'],
    ['garbage', async (): Promise<string> => 'not.a.ticket', 'peer-1', 'upload', 'invalid']
  ] as const)('refuses a ticket that is %s', async (_what, make, peerId, kind, reason) => {
    const ticket = await make()
    const error = await verifyTicket(keys.transferTickets, ticket, { peerId, kind }).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(TicketError)
    expect((error as TicketError).reason).toBe(reason)
  })
})
