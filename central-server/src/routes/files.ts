// What the network holds: every file by name (public), and where one file can be fetched from, with a
// download ticket (members only: plugins/cluster-auth.ts).
import { errorBodySchema, fileNameParamsSchema, listFilesResponseSchema, locateResponseSchema } from '@p2p/proto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { clusterSecurity, memberErrorResponses } from '../plugins/cluster-auth.js'

export const fileRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/files', {
    schema: {
      tags: ['files'],
      summary: 'Every file held by a live peer, by name',
      response: { 200: listFilesResponseSchema, 429: errorBodySchema }
    }
  }, async () => ({ files: await app.directory.listFiles(), next: null }))

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
