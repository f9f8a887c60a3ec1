// GET and HEAD /download/:name: a file, or one byte range of it (Range, If-Range), streamed from its
// holders (several at once when it spans several pieces) and verified piece by piece. The bytes come from transfers/download.ts and the
// Range policy from http/range.ts; this route only turns them into an HTTP response. HEAD answers from
// the directory alone (headers only), without asking a peer.
import { fileNameParamsSchema } from '@p2p/proto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { contentDisposition } from '../http/content-disposition.js'
import { RangeNotSatisfiableError } from '../errors.js'
import { clientHasContent, contentRange, decideRange, entityTag } from '../http/range.js'
import { locateFile, openDownload } from '../transfers/download.js'
import { connectWithRequestId } from '../transfers/peer-connector.js'
import { sendFreeingChunks } from '../transfers/spent-chunks.js'

export const fileDownloadRoutes: FastifyPluginAsyncZod = async (app) => {
  app.route({
    method: ['GET', 'HEAD'],
    url: '/download/:name',
    schema: { params: fileNameParamsSchema },
    config: { page: true },
    handler: async (request, reply) => {
      // The central and every holder log their part of this download with its request id.
      const traced = { requestId: request.id }
      const components = {
        central: { locate: async (name: string) => await app.central.locate(name, traced) },
        connectPeer: connectWithRequestId(app.connectPeer, request.id),
        log: request.log,
        tracker: app.downloads,
        localPeerId: app.settings.peerName,
        ...(app.settings.pieceTimeoutMs == null ? {} : { pieceTimeoutMs: app.settings.pieceTimeoutMs })
      }
      const file = await locateFile(components, request.params.name)
      const etag = entityTag(file.sha256)
      const ifNoneMatch = request.headers['if-none-match']
      if (clientHasContent(Array.isArray(ifNoneMatch) ? ifNoneMatch.join(', ') : ifNoneMatch, etag)) {
        return await reply.code(304).header('etag', etag).header('cache-control', 'no-store').send()
      }
      // A repeated If-Range joins into a value no tag equals, so it never validates a range.
      const ifRange = request.headers['if-range']
      const decision = decideRange({ range: request.headers.range, ifRange: Array.isArray(ifRange) ? ifRange.join(', ') : ifRange }, file.size, etag)
      if (decision.kind === 'unsatisfiable') {
        throw new RangeNotSatisfiableError(`the range '${request.headers.range}' is not within the ${file.size} bytes of '${file.name}'`, file.size)
      }
      const range = decision.kind === 'partial' ? decision.range : { start: 0, end: file.size }
      void reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', String(range.end - range.start))
        .header('content-disposition', contentDisposition(file.name))
        .header('accept-ranges', 'bytes')
        .header('etag', etag)
        .header('x-content-sha256', file.sha256)
        .header('cache-control', 'no-store')
      if (decision.kind === 'partial') void reply.code(206).header('content-range', contentRange(range, file.size))
      if (request.method === 'HEAD') return await reply.send()

      const { sources, body } = await openDownload(components, file, { range, signal: app.transferSignal })
      const servedBy = sources.map((source) => source.peerId)
      const { peerName, keepDownloads } = app.settings
      if (keepDownloads === true && peerName != null && decision.kind !== 'partial') {
        // The whole file reached the user: this peer keeps a copy as well, fetched by its pserver when
        // the central orders it (so it is verified and announced like any other copy).
        body.once('end', () => {
          app.central.requestCopy(peerName, file.name, traced).then(
            (answer) => { request.log.info({ file: file.name, status: answer.status }, 'asked to keep a copy of the download') },
            (err: unknown) => { request.log.warn({ file: file.name, reason: err instanceof Error ? err.message : String(err) }, 'could not ask to keep a copy of the download') })
        })
      }
      request.log.info({ file: file.name, size: file.size, range: decision.kind === 'partial' ? contentRange(range, file.size) : null, sources: servedBy }, 'download started')
      // Each chunk's memory is freed once the user's socket took it (transfers/spent-chunks.ts).
      return await reply.header('x-served-by', servedBy.join(', ')).send(sendFreeingChunks(body, reply.raw))
    }
  })
}
