// What the network holds: every file by name, and where one file can be fetched from.
import { errorBodySchema, fileNameParamsSchema, fileViewSchema, listFilesResponseSchema } from '@p2p/proto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'

export const fileRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/files', {
    schema: {
      tags: ['files'],
      summary: 'Every file held by a live peer, by name',
      response: { 200: listFilesResponseSchema }
    }
  }, async () => ({ files: await app.directory.listFiles() }))

  app.get('/files/:name', {
    schema: {
      tags: ['files'],
      summary: 'Locate a file: its content and its live holders, least loaded first',
      params: fileNameParamsSchema,
      response: { 200: fileViewSchema, 400: errorBodySchema, 404: errorBodySchema }
    }
  }, async (request) => await app.directory.locate(request.params.name))
}
