// Renders the page with nunjucks (autoescape on) from pclient/views, and gives replies `sendPage`, which
// the page route and the error handler both use so the page always looks the same.
import { fileURLToPath } from 'node:url'
import view from '@fastify/view'
import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import nunjucks from 'nunjucks'
import { buildPageModel } from '../page/page-model.js'
import type { PageNotice } from '../page/page-model.js'

const VIEWS_DIR = fileURLToPath(new URL('../../views', import.meta.url))

declare module 'fastify' {
  interface FastifyReply {
    /** Renders the page (file list from the central plus `notice`) with `statusCode`. */
    sendPage: (statusCode: number, notice?: PageNotice) => Promise<FastifyReply>
  }
}

export const viewsPlugin = fp(async (app: FastifyInstance) => {
  await app.register(view, {
    engine: { nunjucks },
    root: VIEWS_DIR,
    options: { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true }
  })
  app.decorateReply('sendPage', async function (this: FastifyReply, statusCode: number, notice: PageNotice = {}) {
    const { central, settings } = this.server
    const model = await buildPageModel({ central, peerName: settings.peerName, maxUploadBytes: settings.maxUploadBytes }, notice)
    const html = await this.viewAsync('index.njk', model)
    return await this.code(statusCode).type('text/html; charset=utf-8').send(html)
  })
}, { name: 'pclient-views', fastify: '5.x', dependencies: ['pclient-services'] })
