// Peers' side of the directory: register (full state), heartbeat, announce one file, leave; and the peer list, a page at a time.
// Every change is signed by the peer it is about (plugins/cluster-auth.ts); the list is public.
import {
  announceFileBodySchema, copyRequestBodySchema, copyRequestResponseSchema, errorBodySchema, heartbeatBodySchema, leaseSchema, listPeersResponseSchema,
  pageQuerySchema, peerIdParamsSchema, registerPeerBodySchema
} from '@p2p/proto/directory'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { REGISTRATION_BODY_LIMIT_BYTES } from '../http/request-limits.js'
import { clusterSecurity, peerErrorResponses } from '../plugins/cluster-auth.js'

/** The heartbeat's route, which the metrics count heartbeats by (metrics.ts). */
export const HEARTBEAT_ROUTE = '/peers/:peerId/heartbeat'

export const peerRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/peers', {
    bodyLimit: REGISTRATION_BODY_LIMIT_BYTES,
    config: { signed: 'peer' },
    schema: {
      tags: ['peers'],
      summary: 'Register a peer with its whole state; replaces anything known about it. Signed by that peer',
      security: clusterSecurity,
      body: registerPeerBodySchema,
      response: { 200: leaseSchema, 400: errorBodySchema, 413: errorBodySchema, ...peerErrorResponses }
    }
  }, async (request) => ({ ...await app.directory.register(request.body), replicate: [] }))

  app.put(HEARTBEAT_ROUTE, {
    config: { signed: 'peer' },
    schema: {
      tags: ['peers'],
      summary: 'Keep a peer alive and update its load; the answer lists copies to make and files to delete (confirmed in the next heartbeat\'s deleted). 404 CENTRAL_PEER_UNKNOWN means register again. Signed by that peer',
      security: clusterSecurity,
      params: peerIdParamsSchema,
      body: heartbeatBodySchema,
      response: { 200: leaseSchema, 400: errorBodySchema, 404: errorBodySchema, ...peerErrorResponses }
    }
  }, async (request) => {
    const { lease, replicate, delete: deletes } = await app.directory.heartbeat(request.params.peerId, request.body)
    // Each order carries a download ticket good at its sources, as a user's download would.
    const orders = await Promise.all(replicate.map(async (copy) => ({ ...copy, ticket: await app.tickets.forDownload({ ...copy, holders: copy.sources }) })))
    return { ...lease, replicate: orders, delete: deletes }
  })

  app.post('/peers/:peerId/files', {
    config: { signed: 'peer' },
    schema: {
      tags: ['peers'],
      summary: 'Announce one new file on a peer; 404 CENTRAL_PEER_UNKNOWN means register again, 409 CENTRAL_FILE_EXISTS that the name ' +
        'belongs to another content or to another upload under way (the peer must not keep the file under that name), 410 CENTRAL_FILE_DELETED ' +
        'that the file was deleted from the network (the peer is ordered to delete it). Signed by that peer',
      security: clusterSecurity,
      params: peerIdParamsSchema,
      body: announceFileBodySchema,
      response: { 204: z.undefined(), 400: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 410: errorBodySchema, ...peerErrorResponses }
    }
  }, async (request, reply) => {
    await app.directory.announce(request.params.peerId, request.body)
    return await reply.code(204).send()
  })

  app.post('/peers/:peerId/copies', {
    config: { signed: 'machine' },
    schema: {
      tags: ['peers'],
      summary: 'A peer asks to keep a copy of a file (its user downloaded it); the order comes with its next heartbeat. Signed by that peer or its pclient',
      security: clusterSecurity,
      params: peerIdParamsSchema,
      body: copyRequestBodySchema,
      response: { 202: copyRequestResponseSchema, 400: errorBodySchema, 404: errorBodySchema, 507: errorBodySchema, ...peerErrorResponses }
    }
  }, async (request, reply) => {
    const { peerId } = request.params
    const status = await app.directory.requestCopy(peerId, request.body.name)
    return await reply.code(202).send({ name: request.body.name, peerId, status })
  })

  app.delete('/peers/:peerId', {
    config: { signed: 'peer' },
    schema: {
      tags: ['peers'],
      summary: 'A peer leaves: it and its files are forgotten (idempotent). Signed by that peer',
      security: clusterSecurity,
      params: peerIdParamsSchema,
      response: { 204: z.undefined(), 400: errorBodySchema, ...peerErrorResponses }
    }
  }, async (request, reply) => {
    await app.directory.leave(request.params.peerId)
    return await reply.code(204).send()
  })

  app.get('/peers', {
    schema: {
      tags: ['peers'],
      summary: 'A page of the live peers, by peer id; follow next until it is null',
      querystring: pageQuerySchema,
      response: { 200: listPeersResponseSchema, 400: errorBodySchema, 429: errorBodySchema }
    }
  }, async (request) => await app.directory.listPeers(request.query))
}
