// The one mapping from anything that goes wrong to the JSON error body every client reads:
// {statusCode, error: CENTRAL_ code, message}. Unknown routes get the same shape.
import { describeIssues } from '@p2p/proto/directory'
import type { ErrorBody } from '@p2p/proto/directory'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import {
  BadRequestError, BodyTooLargeError, InternalError, RouteNotFoundError, UnsupportedMediaTypeError, ValidationError
} from '../errors.js'

export const errorHandlerPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler(sendError)

  // Unknown routes count against the per-IP rate limit too (when one is registered before this plugin),
  // so scanning for routes is throttled like any other public request.
  const preHandler = app.hasDecorator('rateLimit') ? app.rateLimit() : undefined
  app.setNotFoundHandler(preHandler == null ? {} : { preHandler }, async (request, reply) => {
    const err = new RouteNotFoundError(request.method, request.url)
    return await reply.code(err.statusCode).send({ statusCode: err.statusCode, error: err.code, message: err.message })
  })
}, { name: 'central-error-handler', fastify: '5.x' })

/** Logs the error (a refusal at info, a fault of ours at error) and answers its JSON body. */
export async function sendError (err: unknown, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const body = toErrorBody(err)
  if (body.error === 'CENTRAL_INTERNAL') request.log.error({ err }, 'request failed')
  else request.log.info({ code: body.error, reason: body.message }, 'request refused')
  return await reply.code(body.statusCode).send(body)
}

export function toErrorBody (err: unknown): ErrorBody {
  if (hasZodFastifySchemaValidationErrors(err)) {
    return fromError(new ValidationError(describeIssues(err.validationContext ?? 'request', err.validation)))
  }
  const code = typeof err === 'object' && err != null && 'code' in err && typeof err.code === 'string' ? err.code : null
  const statusCode = typeof err === 'object' && err != null && 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500
  const message = err instanceof Error ? err.message : String(err)
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return fromError(new ValidationError('body: the request body is not valid JSON'))
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return fromError(new ValidationError('body: the request body is empty but declared as JSON'))
    case 'FST_ERR_BAD_URL':
      return fromError(new ValidationError(`params: ${message}`))
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return fromError(new BodyTooLargeError())
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return fromError(new UnsupportedMediaTypeError())
  }
  // Our own errors carry their code and status (507 NO_ROOM is a 5xx status but no fault of ours; 503
  // STORE_UNAVAILABLE says the store's outage, which the store logs once, not the request's cause).
  if (code?.startsWith('CENTRAL_') === true && code !== 'CENTRAL_INTERNAL') return { statusCode, error: code, message }
  // Anything else a client caused (a malformed header, an aborted body) keeps Fastify's status.
  if (statusCode >= 400 && statusCode < 500) return { ...fromError(new BadRequestError(message)), statusCode }
  return fromError(new InternalError())
}

function fromError (err: { statusCode: number, code: string, message: string }): ErrorBody {
  return { statusCode: err.statusCode, error: err.code, message: err.message }
}
