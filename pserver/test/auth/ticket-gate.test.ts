// The real ticket gate behind a real gRPC server: transfers without a genuine ticket for this peer,
// file and size are refused with the right status, and nothing is written.
import * as grpc from '@grpc/grpc-js'
import { afterEach, describe, expect, it } from 'vitest'
import { deriveClusterKeys, issueTicket } from '@p2p/proto'
import { createPeerFilesClient } from '@p2p/proto/grpc'
import type { PeerFilesClient } from '@p2p/proto'
import { createTicketGate } from '../../src/auth/ticket-gate.js'
import { errorCode, startTestPeer } from '../helpers.js'
import type { TestPeer } from '../helpers.js'

const keys = deriveClusterKeys('c'.repeat(64))
const stranger = deriveClusterKeys('x'.repeat(64))
const peers: TestPeer[] = []
const clients: PeerFilesClient[] = []

afterEach(async () => {
  for (const client of clients.splice(0)) client.close()
  for (const peer of peers.splice(0)) await peer.close()
})

async function gatedPeer (): Promise<{ peer: TestPeer, connect: (ticket?: string) => PeerFilesClient }> {
  const peer = await startTestPeer({ files: { 'hello.txt': 'hello' }, tickets: createTicketGate({ peerId: 'peer-test', ticketKey: keys.transferTickets }) })
  peers.push(peer)
  const { address } = peer
  return {
    peer,
    connect: (ticket) => {
      const client = createPeerFilesClient(address, ticket == null ? {} : { ticket })
      clients.push(client)
      return client
    }
  }
}

async function upload (client: PeerFilesClient, name: string, content: string): Promise<grpc.ServiceError | null> {
  return await new Promise((resolve) => {
    const call = client.Upload((err) => { resolve(err) })
    call.write({ header: { name, size: content.length, sha256: '', sizeIsMaximum: false } })
    call.write({ chunk: Buffer.from(content) })
    call.write({ end: { size: content.length, sha256: '' } })
    call.end()
  })
}

async function fileInfo (client: PeerFilesClient, name: string): Promise<grpc.ServiceError | null> {
  return await new Promise((resolve) => { client.GetFileInfo({ name, sha256: '' }, (err) => { resolve(err) }) })
}

describe('ticket gate', () => {
  it('accepts an upload with a ticket for this peer, name and size', async () => {
    const { peer, connect } = await gatedPeer()
    const ticket = await issueTicket(keys.transferTickets, { kind: 'upload', name: 'new.txt', size: 3 }, ['peer-test'])
    expect(await upload(connect(ticket), 'new.txt', 'abc')).toBeNull()
    expect(await peer.store.get('new.txt')).toMatchObject({ size: 3 })
  })

  it.each([
    ['no ticket', async (): Promise<string | undefined> => undefined, grpc.status.UNAUTHENTICATED, 'PEER_UNAUTHENTICATED'],
    ['a forged ticket', async (): Promise<string | undefined> => await issueTicket(stranger.transferTickets, { kind: 'upload', name: 'new.txt', size: 3 }, ['peer-test']), grpc.status.UNAUTHENTICATED, 'PEER_UNAUTHENTICATED'],
    ['an expired ticket', async (): Promise<string | undefined> => await issueTicket(keys.transferTickets, { kind: 'upload', name: 'new.txt', size: 3 }, ['peer-test'], 1000, Date.now() - 60_000), grpc.status.UNAUTHENTICATED, 'PEER_UNAUTHENTICATED'],
    ['a ticket for another peer', async (): Promise<string | undefined> => await issueTicket(keys.transferTickets, { kind: 'upload', name: 'new.txt', size: 3 }, ['peer-other']), grpc.status.PERMISSION_DENIED, 'PEER_FORBIDDEN'],
    ['a ticket for a smaller size', async (): Promise<string | undefined> => await issueTicket(keys.transferTickets, { kind: 'upload', name: 'new.txt', size: 2 }, ['peer-test']), grpc.status.PERMISSION_DENIED, 'PEER_FORBIDDEN'],
    ['a ticket for another name', async (): Promise<string | undefined> => await issueTicket(keys.transferTickets, { kind: 'upload', name: 'other.txt', size: 3 }, ['peer-test']), grpc.status.PERMISSION_DENIED, 'PEER_FORBIDDEN'],
    ['a download ticket', async (): Promise<string | undefined> => await issueTicket(keys.transferTickets, { kind: 'download', name: 'new.txt', size: 3 }, ['peer-test']), grpc.status.PERMISSION_DENIED, 'PEER_FORBIDDEN']
  ])('refuses an upload with %s, writing nothing', async (_what, makeTicket, status, code) => {
    const { peer, connect } = await gatedPeer()
    const err = await upload(connect(await makeTicket()), 'new.txt', 'abc')
    expect(err?.code).toBe(status)
    expect(errorCode(err!)).toBe(code)
    expect(await peer.store.get('new.txt')).toBeNull()
  })

  it('serves file info only with a download ticket for that content', async () => {
    const { peer, connect } = await gatedPeer()
    const stored = (await peer.store.get('hello.txt'))!
    expect((await fileInfo(connect(), 'hello.txt'))?.code).toBe(grpc.status.UNAUTHENTICATED)
    const other = await issueTicket(keys.transferTickets, { kind: 'download', name: 'hello.txt', size: 5, sha256: 'e'.repeat(64) }, ['peer-test'])
    expect((await fileInfo(connect(other), 'hello.txt'))?.code).toBe(grpc.status.PERMISSION_DENIED)
    const good = await issueTicket(keys.transferTickets, { kind: 'download', name: 'hello.txt', size: 5, sha256: stored.sha256 }, ['peer-test'])
    expect(await fileInfo(connect(good), 'hello.txt')).toBeNull()
  })
})
