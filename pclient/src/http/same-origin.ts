// Refuses requests a browser makes for another site. A multipart POST needs no CORS preflight, so
// without this any web page a user visits could upload files through the user's peer (cross-site
// request forgery). Browsers say where a request comes from (Sec-Fetch-Site, Origin); tools such as
// curl send neither and are let through, as they act for the user directly.
import type { FastifyRequest } from 'fastify'
import { CrossSiteError } from '../errors.js'

/** Sec-Fetch-Site values of a request the user made on this page or by hand. */
const OWN_SITE = new Set(['same-origin', 'none'])

export function assertSameOrigin (request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site']
  if (typeof site === 'string' && !OWN_SITE.has(site)) {
    throw new CrossSiteError(`a page of another site (${site}) may not upload through this peer`)
  }
  const origin = request.headers.origin
  if (origin == null) return
  // The proxy passes the browser's Host through, so it names this page's origin.
  let originHost: string | null = null
  try {
    originHost = new URL(origin).host
  } catch {}
  if (originHost == null || originHost !== request.headers.host) {
    throw new CrossSiteError(`a page of ${origin === 'null' ? 'an opaque origin' : origin} may not upload through this peer`)
  }
}
