// What the network holds: its files by name, a page at a time and filtered by words (public), and where one
// file can be fetched from, with a download ticket (members only: plugins/cluster-auth.ts).
import { errorBodySchema, fileNameParamsSchema, listFilesQuerySchema, listFilesResponseSchema, locateResponseSchema } from '@p2p/proto/directory'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { clusterSecurity, memberErrorResponses } from '../plugins/cluster-auth.js'

export const fileRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/files', {
    schema: {
      tags: ['files'],
      summary: 'A page of the files the network knows, by name (lost ones too); q keeps names containing every word, in any case. ' +
        'Follow next until it is null: a page may hold fewer than limit files when q matches rarely',
      querystring: listFilesQuerySchema,
      response: { 200: listFilesResponseSchema, 400: errorBodySchema, 429: errorBodySchema }
    }
  }, async (request) => await app.directory.listFiles(request.query))

  app.get('/files/:name', {
    config: { signed: 'member' },
    schema: {
      tags: ['files'],
      summary: 'Locate a file: its content, its live holders least loaded first, and a download ticket good at each of them',
      security: clusterSecurity,
      params: fileNameParamsSchema,
      response: { 200: locateResponseSchema, 400: errorBodySchema, 404: errorBodySchema, ...memberErrorResponses }
    }
  }, async (request) => {
    const file = await app.directory.locate(request.params.name)
    return { ...file, ticket: await app.tickets.forDownload(file) }
  })
}
