// GET /download/:name: streams a file from the first holder that answers, verified against its SHA-256.
// The bytes come from transfers/download.ts; this route only turns them into an HTTP response.
import { fileNameParamsSchema } from '@p2p/proto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { contentDisposition } from '../content-disposition.js'
import { openDownload } from '../transfers/download.js'

export const downloadRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/download/:name', {
    schema: { params: fileNameParamsSchema },
    config: { page: true },
    // A HEAD would pull the whole file from a peer only to discard it.
    exposeHeadRoute: false
  }, async (request, reply) => {
    const { file, holder, body } = await openDownload(
      { central: app.central, connectPeer: app.connectPeer, log: request.log },
      request.params.name,
      { signal: app.transferSignal }
    )
    request.log.info({ file: file.name, size: file.size, peerId: holder.peerId }, 'download started')
    return await reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(file.size))
      .header('content-disposition', contentDisposition(file.name))
      .header('x-content-sha256', file.sha256)
      .header('x-served-by', holder.peerId)
      .header('cache-control', 'no-store')
      .send(body)
  })
}
