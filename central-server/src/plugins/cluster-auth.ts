// Cluster membership. A route opts in with `config: { signed: 'member' | 'peer' }` and then answers only
// requests signed with the cluster secret (an HMAC over signer, method, path, time and body: see
// @p2p/proto auth/request-signature); anything else is 401 CENTRAL_UNAUTHENTICATED and changes nothing.
// 'member': any member may call (pclients sign as `pclient:<label>`). 'peer': the signer must also be the
// peer the request is about (the :peerId param, else body.peerId), or 403 CENTRAL_FORBIDDEN. 'machine':
// that peer, or the pclient of the same machine (signing as `pclient:<peerId>`). Every member holds the
// same key, so these rules keep honest members from speaking for others by mistake; they do not stop
// a member that means harm (see docs/architecture.md, Trust).
//
// The signature covers the raw body, so this plugin owns JSON body parsing: it verifies the exact bytes
// that arrived, then parses them. Order on a signed route: headers and time (before the body is buffered)
// -> signature -> JSON parse -> schema validation (400) -> who may speak for whom (403) -> handler.
import { errorBodySchema, MAX_CLOCK_SKEW_MS, SIGNATURE_HEADER, SIGNER_HEADER, TIMESTAMP_HEADER, verifyRequestSignature } from '@p2p/proto/directory'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ForbiddenError, UnauthenticatedError } from '../errors.js'

export type SignedAs = 'member' | 'peer' | 'machine'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Only cluster members may call this route (see plugins/cluster-auth.ts). */
    signed?: SignedAs
  }
  interface FastifyRequest {
    /** The verified signer: always set on a signed route that answers; on a public read only if signed. */
    clusterMember: string | null
  }
}

/** The errors a signed route may answer besides its own, for its response schemas (and so the OpenAPI document). */
export const memberErrorResponses = { 401: errorBodySchema, 429: errorBodySchema }
export const peerErrorResponses = { ...memberErrorResponses, 403: errorBodySchema }
/** The OpenAPI security requirement of a signed route (the scheme is declared in plugins/openapi.ts). */
export const clusterSecurity = [{ clusterSignature: [] }]

export interface ClusterAuthOptions {
  /** deriveClusterKeys(secret).peerRequests */
  key: Uint8Array
  /** The same clock as the directory's, so tests can sign "now" and "too long ago". */
  now: () => number
}

const NOT_SIGNED = 'the request is not signed by a cluster member'
const STALE = 'the request signature is too old or from the future (check the clocks)'

export const clusterAuthPlugin = fp(async (app: FastifyInstance, options: ClusterAuthOptions) => {
  const { key, now } = options
  const signedAs = (request: FastifyRequest): SignedAs | undefined => request.routeOptions.config.signed

  function authenticate (request: FastifyRequest, body: Uint8Array | string): void {
    const check = verifyRequestSignature(key, request.headers, { method: request.method, path: request.url, body }, now())
    if (!check.ok) throw new UnauthenticatedError(check.reason)
    request.clusterMember = check.signer
  }

  app.decorateRequest('clusterMember', null)

  app.addHook('onRequest', async (request) => {
    if (signedAs(request) == null) {
      // Members sign public reads too (the shared client signs everything). Such a read is never
      // refused for its signature, but a valid one names the member, so the rate limit counts it per
      // member rather than per address.
      if ((request.method === 'GET' || request.method === 'HEAD') && request.headers[SIGNER_HEADER] != null) {
        const check = verifyRequestSignature(key, request.headers, { method: request.method, path: request.url, body: '' }, now())
        if (check.ok) request.clusterMember = check.signer
      }
      return
    }
    // What cannot be a member's request is refused before its body is buffered (Node discards the rest).
    const reason = precheck(request.headers, now())
    if (reason != null) throw new UnauthenticatedError(reason)
  })

  // The central speaks JSON only (Fastify's text/plain parser goes too). Bodies arrive as raw bytes; on a
  // signed route the signature is checked on exactly those bytes before anything parses them.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    if (signedAs(request) != null) {
      try {
        authenticate(request, body)
      } catch (err) {
        done(err as Error, undefined)
        return
      }
    }
    parseJson(request, body.toString('utf8'), done)
  })

  // A signed request that had no body to parse (GET, DELETE) is checked against the empty body.
  app.addHook('preValidation', async (request) => {
    if (signedAs(request) != null && request.clusterMember == null) authenticate(request, '')
  })

  // After validation, so a wrong-typed peer id is a 400 and not a 403.
  app.addHook('preHandler', async (request) => {
    const as = signedAs(request)
    if (as !== 'peer' && as !== 'machine') return
    const peerId = stringField(request.params, 'peerId') ?? stringField(request.body, 'peerId')
    const member = request.clusterMember
    const allowed = member != null && peerId != null && (member === peerId || (as === 'machine' && member === `pclient:${peerId}`))
    if (!allowed) {
      throw new ForbiddenError(request.clusterMember ?? '', peerId ?? '')
    }
  })
}, { name: 'central-cluster-auth', fastify: '5.x' })

/** The part of the check that needs no body: are the three headers there, and is the time fresh? */
function precheck (headers: FastifyRequest['headers'], at: number): string | null {
  const timestamp = headers[TIMESTAMP_HEADER]
  if (typeof headers[SIGNER_HEADER] !== 'string' || typeof headers[SIGNATURE_HEADER] !== 'string' || typeof timestamp !== 'string') {
    return NOT_SIGNED
  }
  const sentAt = Number(timestamp)
  return Number.isSafeInteger(sentAt) && Math.abs(at - sentAt) <= MAX_CLOCK_SKEW_MS ? null : STALE
}

function stringField (value: unknown, name: string): string | undefined {
  if (typeof value !== 'object' || value == null) return undefined
  const field: unknown = Reflect.get(value, name)
  return typeof field === 'string' ? field : undefined
}
