// DELETE /files/{name}: a member (a peer's web client, for its user) deletes a file from the whole
// network with the file's delete token, or the operator's, in the X-Delete-Token header (never the URL,
// so it stays out of access logs). The token is checked here by computing it again from the cluster
// secret: nothing about tokens is stored.
import {
  DELETE_TOKEN_HEADER, deleteFileResponseSchema, deleteTokenMatches, errorBodySchema, fileDeleteToken, fileNameParamsSchema, operatorDeleteToken
} from '@p2p/proto/directory'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { clusterSecurity, memberErrorResponses } from '../plugins/cluster-auth.js'

export interface FileDeleteRoutesOptions {
  /** The cluster secret the tokens derive from; never logged. */
  clusterSecret: string
}

export const fileDeleteRoutes: FastifyPluginAsyncZod<FileDeleteRoutesOptions> = async (app, { clusterSecret }) => {
  const operatorToken = operatorDeleteToken(clusterSecret)

  app.delete('/files/:name', {
    config: { signed: 'member' },
    schema: {
      tags: ['files'],
      summary: 'Delete a file from the whole network: gone from every listing and locate at once, every holder deletes its copy at its next heartbeat. ' +
        `Token in the ${DELETE_TOKEN_HEADER} header: the file's (from its upload) or the operator's. 403 CENTRAL_DELETE_FORBIDDEN for any other ` +
        'token (nothing changes), 404 CENTRAL_FILE_NOT_FOUND for an unknown name, 410 CENTRAL_FILE_DELETED while a deleted name\'s tombstone lasts',
      security: clusterSecurity,
      params: fileNameParamsSchema,
      headers: z.object({ [DELETE_TOKEN_HEADER]: z.string().max(200).optional() }),
      response: { 200: deleteFileResponseSchema, 400: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 410: errorBodySchema, ...memberErrorResponses }
    }
  }, async (request) => {
    const { name } = request.params
    const presented = request.headers[DELETE_TOKEN_HEADER] ?? ''
    // Both compared, always, in constant time: the answer's time says nothing of which one was near.
    const mayDelete = (sha256: string): boolean => {
      const asOperator = deleteTokenMatches(presented, operatorToken)
      const asSharer = deleteTokenMatches(presented, fileDeleteToken(clusterSecret, name, sha256))
      return presented !== '' && (asOperator || asSharer)
    }
    const tombstone = await app.directory.deleteFile(name, mayDelete)
    return { name, sha256: tombstone.sha256, deletedAt: new Date(tombstone.deletedAt).toISOString() }
  })
}
