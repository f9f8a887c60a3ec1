// GET /fragments/files and /fragments/network: one part of the page, rendered by the same templates as
// the whole page, so its script refreshes the list and the peers in place (after an upload, while the
// page is open) without a second way of drawing them. Like the page, they answer at once with what
// this peer last knew when the central does not answer, so the script shows the same notice.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { fileListQuerySchema } from '../page/list-query.js'
import { buildNetworkModel } from '../page/network-model.js'
import { buildFilesModel } from '../page/page-model.js'

export const pageFragmentRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/fragments/files', {
    schema: { querystring: fileListQuerySchema }
  }, async (request, reply) => {
    const files = await buildFilesModel({ snapshots: app.centralSnapshot, peerName: app.settings.peerName }, request.query)
    return await reply.sendView('partials/files.njk', { files })
  })

  app.get('/fragments/network', async (_request, reply) => {
    const network = await buildNetworkModel({ snapshots: app.centralSnapshot, selfPeer: app.settings.peerName }, Date.now())
    return await reply.sendView('partials/network.njk', { network })
  })
}
