// DELETE /files/:name: deletes a file from the whole network, for the person who shared it (the delete
// token its upload answered with) or the operator (the token `npm run operator-token` prints), sent in
// the X-Delete-Token header, never the URL. The central checks the token and does the rest; this route
// passes the answer on, its errors mapped like every other (403 PCLIENT_DELETE_FORBIDDEN, 404
// PCLIENT_FILE_NOT_FOUND, 410 PCLIENT_FILE_DELETED, 502/503 when the central cannot answer).
import { DELETE_TOKEN_HEADER, deleteFileResponseSchema, errorBodySchema, fileNameParamsSchema } from '@p2p/proto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { DeleteForbiddenError } from '../errors.js'
import { assertSameOrigin } from '../http/same-origin.js'

export const fileDeleteRoutes: FastifyPluginAsyncZod = async (app) => {
  app.delete('/files/:name', {
    schema: {
      params: fileNameParamsSchema,
      headers: z.object({ [DELETE_TOKEN_HEADER]: z.string().max(200).optional() }),
      response: { 200: deleteFileResponseSchema, '4xx': errorBodySchema, '5xx': errorBodySchema }
    }
  }, async (request) => {
    assertSameOrigin(request)
    const token = request.headers[DELETE_TOKEN_HEADER]
    if (token == null || token === '') {
      throw new DeleteForbiddenError(`deleting a file needs its delete token (from its upload's answer) in the ${DELETE_TOKEN_HEADER} header`)
    }
    const deleted = await app.central.deleteFile(request.params.name, token, { requestId: request.id })
    app.invalidateCentralReads()
    return deleted
  })
}
