// Renders the page with nunjucks (autoescape on) from pclient/views, and gives replies `sendPage`, which
// the page route and the error handler both use so the page always looks the same, and `sendView` for
// the parts of the page its script refreshes.
import { fileURLToPath } from 'node:url'
import view from '@fastify/view'
import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import nunjucks from 'nunjucks'
import { buildPageModel } from '../page/page-model.js'
import type { PageNotice } from '../page/page-model.js'

const VIEWS_DIR = fileURLToPath(new URL('../../views', import.meta.url))

/**
 * Everything the page loads comes from this client (it must work on a network without internet), and
 * no inline script runs, so a file name that slipped past escaping still could not execute.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'"
].join('; ')

declare module 'fastify' {
  interface FastifyReply {
    /** Renders the page (file list from the central plus `notice`) with `statusCode`. */
    sendPage: (statusCode: number, notice?: PageNotice) => Promise<FastifyReply>
    /** Renders one template of views/ as an HTML answer, with the page's headers. */
    sendView: (template: string, model: object) => Promise<FastifyReply>
  }
}

export const viewsPlugin = fp(async (app: FastifyInstance) => {
  await app.register(view, {
    engine: { nunjucks },
    root: VIEWS_DIR,
    options: { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true }
  })
  app.decorateReply('sendView', async function (this: FastifyReply, template: string, model: object) {
    const html = await this.viewAsync(template, model)
    return await this
      .type('text/html; charset=utf-8')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      // The list changes as peers come and go: never show a stale copy from a cache.
      .header('cache-control', 'no-store')
      .send(html)
  })
  app.decorateReply('sendPage', async function (this: FastifyReply, statusCode: number, notice: PageNotice = {}) {
    const { centralSnapshot, settings } = this.server
    const model = await buildPageModel({ snapshots: centralSnapshot, peerName: settings.peerName, maxUploadBytes: settings.maxUploadBytes }, notice)
    return await this.code(statusCode).sendView('index.njk', model)
  })
}, { name: 'pclient-views', fastify: '5.x', dependencies: ['pclient-services'] })
