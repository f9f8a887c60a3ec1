// The one place a failure becomes a response: JSON {statusCode, error: PCLIENT_ code, message} for
// scripts, or, on page routes, the page re-rendered with the message and the same status for browsers.
// Which PCLIENT_ error a failure is, error-mapping.ts decides; only a request that failed its route's
// schema is worded here, from the schema's issues.
import type { IncomingMessage } from 'node:http'
import { describeIssues } from '@p2p/proto'
import type { ErrorBody } from '@p2p/proto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import type { ZodFastifySchemaValidationError } from 'fastify-type-provider-zod'
import { toHttpError } from '../error-mapping.js'
import { BadNameError, RouteNotFoundError, ValidationError } from '../errors.js'
import type { ClientError } from '../errors.js'
import { prefersHtml } from '../http/negotiate.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route a browser visits: its errors are shown on the page rather than as JSON. */
    page?: boolean
  }
}

/** How long the rest of a refused upload is still read after the answer (see lingerThenClose). */
const LINGER_MS = 10_000
/** Headers a download may have set before it failed; an error body must not carry them. */
const DOWNLOAD_HEADERS = [
  'content-type', 'content-length', 'content-disposition', 'content-range', 'accept-ranges', 'etag', 'x-content-sha256', 'x-served-by', 'cache-control'
]

export const errorHandlerPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler(sendError)
  app.setNotFoundHandler(async (request, reply) => await sendError(new RouteNotFoundError(request.method, request.url), request, reply))
}, { name: 'pclient-error-handler', fastify: '5.x' })

export async function sendError (err: unknown, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const error = hasZodFastifySchemaValidationErrors(err) ? fromValidationError(err) : toHttpError(err)
  if (error.code === 'PCLIENT_INTERNAL') request.log.error({ err }, 'request failed')
  else request.log.info({ code: error.code, reason: error.message }, 'request refused')

  for (const header of DOWNLOAD_HEADERS) {
    reply.removeHeader(header)
    // A stream reply copies its headers onto the raw response before its first byte.
    if (!reply.raw.headersSent) reply.raw.removeHeader(header)
  }
  // Headers the error itself calls for (a 416's Content-Range), set after the clean-up above.
  if (error.headers != null) reply.headers(error.headers)
  // An upload refused before its body was read: let the rest flow away, for a while (see lingerThenClose).
  if (!request.raw.complete) {
    request.raw.unpipe()
    request.raw.resume()
    lingerThenClose(request.raw)
  }

  const body: ErrorBody = { statusCode: error.statusCode, error: error.code, message: error.message }
  if (request.routeOptions.config.page === true && prefersHtml(request.headers.accept)) {
    return await reply.sendPage(error.statusCode, { error: error.message })
  }
  return await reply.code(error.statusCode).send(body)
}

/** A request that failed its route's schema, as PCLIENT_VALIDATION (or PCLIENT_BAD_NAME) naming each issue. */
function fromValidationError (err: { validation: ZodFastifySchemaValidationError[], validationContext?: string }): ClientError {
  const context = err.validationContext ?? 'request'
  // A bad file name in the URL is a bad name, whichever route it reached.
  if (context === 'params' && err.validation.every((issue) => issue.instancePath === '/name')) {
    return new BadNameError(err.validation.map((issue) => issue.message).join('; '))
  }
  return new ValidationError(describeIssues(context, err.validation))
}

/**
 * Closing the connection right after an early answer (`Connection: close`) while the client still sends
 * its body makes the client see a broken pipe instead of the answer, and a proxy in between answer 502.
 * So the rest of the body is read and dropped for a while: the client reads the answer and stops, or the
 * body ends and the connection is reused; a client still sending after LINGER_MS is cut off, so nobody
 * pushes gigabytes that nobody reads.
 */
function lingerThenClose (request: IncomingMessage): void {
  const timer = setTimeout(() => { request.socket.destroy() }, LINGER_MS)
  timer.unref()
  const stop = (): void => { clearTimeout(timer) }
  request.once('end', stop)
  request.once('close', stop)
}
