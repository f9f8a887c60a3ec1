// Rate limits (@fastify/rate-limit), so no one client can hammer the directory. Three budgets, each
// `perMinute` requests a minute:
// - public routes and unknown ones: per client IP (the real one: app.ts trusts X-Forwarded-For only
//   from the configured proxies), or per member when a member signed the read;
// - signed routes: per verified member and route, counted after authentication, so a hundred peers
//   heartbeating from behind one address never share a budget, and a forged signer name buys nothing;
// - failed authentications on signed routes: per client IP; an address that has used up this budget is
//   refused on signed routes before its body is buffered, so guessing costs the central almost nothing.
// Every refusal is 429 CENTRAL_RATE_LIMITED with the usual JSON body and a retry-after header.
import rateLimit, { normalizeIP } from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { RateLimitedError } from '../errors.js'

const WINDOW_MS = 60_000

export interface RateLimitPluginOptions {
  perMinute: number
}

const isSigned = (request: FastifyRequest): boolean => request.routeOptions.config.signed != null

export const rateLimitPlugin = fp(async (app: FastifyInstance, options: RateLimitPluginOptions) => {
  const { perMinute } = options

  // Registered before @fastify/rate-limit's own onRoute hook, which reads what this one sets.
  app.addHook('onRoute', (route) => {
    if (route.config?.signed == null || route.config.rateLimit != null) return
    route.config = {
      ...route.config,
      rateLimit: { hook: 'preHandler', keyGenerator: (request) => `member:${request.clusterMember ?? ''}` }
    }
  })

  await app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: WINDOW_MS,
    hook: 'onRequest',
    keyGenerator: (request) => request.clusterMember != null ? `member:${request.clusterMember}` : normalizeIP(request.ip),
    errorResponseBuilder: (_request, context) => new RateLimitedError(context.after)
  })

  const failedAuthentications = app.createRateLimit({ max: perMinute, timeWindow: WINDOW_MS, keyGenerator: (request) => normalizeIP(request.ip) })

  app.addHook('onRequest', async (request, reply) => {
    if (!isSigned(request)) return
    const budget = await failedAuthentications(request, { increment: false })
    if (!budget.isAllowed && budget.remaining === 0) {
      void reply.header('retry-after', budget.ttlInSeconds)
      throw new RateLimitedError(`${budget.ttlInSeconds} seconds`)
    }
  })

  app.addHook('onResponse', async (request, reply) => {
    if (isSigned(request) && reply.statusCode === 401) await failedAuthentications(request)
  })
}, { name: 'central-rate-limit', fastify: '5.x' })
