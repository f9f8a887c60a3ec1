// Peers' side of the directory: register (full state), heartbeat, announce one file, leave; and the peer list.
import {
  announceFileBodySchema, errorBodySchema, heartbeatBodySchema, leaseSchema, listPeersResponseSchema,
  peerIdParamsSchema, registerPeerBodySchema
} from '@p2p/proto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'

export const peerRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/peers', {
    schema: {
      tags: ['peers'],
      summary: 'Register a peer with its whole state; replaces anything known about it',
      body: registerPeerBodySchema,
      response: { 200: leaseSchema, 400: errorBodySchema }
    }
  }, async (request) => await app.directory.register(request.body))

  app.put('/peers/:peerId/heartbeat', {
    schema: {
      tags: ['peers'],
      summary: 'Keep a peer alive and update its load; 404 CENTRAL_PEER_UNKNOWN means register again',
      params: peerIdParamsSchema,
      body: heartbeatBodySchema,
      response: { 200: leaseSchema, 400: errorBodySchema, 404: errorBodySchema }
    }
  }, async (request) => await app.directory.heartbeat(request.params.peerId, request.body))

  app.post('/peers/:peerId/files', {
    schema: {
      tags: ['peers'],
      summary: 'Announce one new file on a peer; 404 CENTRAL_PEER_UNKNOWN means register again',
      params: peerIdParamsSchema,
      body: announceFileBodySchema,
      response: { 204: z.undefined(), 400: errorBodySchema, 404: errorBodySchema }
    }
  }, async (request, reply) => {
    await app.directory.announce(request.params.peerId, request.body)
    return await reply.code(204).send()
  })

  app.delete('/peers/:peerId', {
    schema: {
      tags: ['peers'],
      summary: 'A peer leaves: it and its files are forgotten (idempotent)',
      params: peerIdParamsSchema,
      response: { 204: z.undefined(), 400: errorBodySchema }
    }
  }, async (request, reply) => {
    await app.directory.leave(request.params.peerId)
    return await reply.code(204).send()
  })

  app.get('/peers', {
    schema: {
      tags: ['peers'],
      summary: 'Every live peer, by peer id',
      response: { 200: listPeersResponseSchema }
    }
  }, async () => ({ peers: await app.directory.listPeers() }))
}
