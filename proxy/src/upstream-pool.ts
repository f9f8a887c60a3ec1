// The upstreams and which of them are in turn. Requests go round-robin over those in turn; one that
// refuses connections (or resets them, or stops answering) is taken out of turn at once and asked
// `GET /health` every probe interval, one probe at a time, until it answers anything at all (even a
// 503: a central whose Redis is away answers that, and its clients must see it); then it is back in
// turn. A single upstream is never taken out of turn: with nothing to fail over to, every request
// tries it, as a proxy with one upstream always has.
import https from 'node:https'
import type { Logger } from 'pino'
import { nodeHttp } from '@p2p/proto/runtime'

export interface UpstreamPool {
  /** The next upstream in turn that is not in `tried`, or null when none is left. */
  next: (tried: ReadonlySet<string>) => string | null
  /** Sends `url` nothing more until it answers a probe. */
  takeOutOfTurn: (url: string, reason: string) => void
  /** Stops probing. */
  close: () => void
}

export interface UpstreamPoolComponents {
  upstreamUrls: string[]
  probeIntervalMs: number
  /** A probe that has no answer within this time failed. */
  probeTimeoutMs: number
  logger: Logger
}

interface Upstream {
  url: string
  inTurn: boolean
  probing: boolean
}

/** Where an upstream is asked whether it is back: its base URL's path, then /health. */
function probeUrlOf (upstreamUrl: string): string {
  const url = new URL(upstreamUrl)
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/health`
  url.search = ''
  return url.toString()
}

/** True when `url` gives any HTTP answer within `timeoutMs`; a connection of its own, closed after. */
async function answers (url: string, timeoutMs: number): Promise<boolean> {
  const get = url.startsWith('https:') ? https.get : nodeHttp.get
  return await new Promise((resolve) => {
    const request = get(url, { agent: false, signal: AbortSignal.timeout(timeoutMs) }, (response) => {
      resolve(true)
      response.on('error', () => {})
      response.resume()
    })
    request.on('error', () => { resolve(false) })
  })
}

export function createUpstreamPool (components: UpstreamPoolComponents): UpstreamPool {
  const { logger } = components
  const upstreams: Upstream[] = components.upstreamUrls.map((url) => ({ url, inTurn: true, probing: false }))
  const byUrl = new Map(upstreams.map((upstream) => [upstream.url, upstream]))
  const canFailOver = upstreams.length > 1
  let turn = 0
  let closed = false

  const probe = async (upstream: Upstream): Promise<void> => {
    upstream.probing = true
    const back = await answers(probeUrlOf(upstream.url), components.probeTimeoutMs)
    upstream.probing = false
    if (!back || upstream.inTurn || closed) return
    upstream.inTurn = true
    logger.info({ upstream: upstream.url }, 'upstream up: answering again, back in turn')
  }

  const prober = canFailOver
    ? setInterval(() => {
      for (const upstream of upstreams) {
        if (!upstream.inTurn && !upstream.probing) void probe(upstream)
      }
    }, components.probeIntervalMs).unref()
    : undefined

  return {
    next (tried) {
      for (let step = 0; step < upstreams.length; step++) {
        const index = (turn + step) % upstreams.length
        const upstream = upstreams[index]
        if (upstream != null && upstream.inTurn && !tried.has(upstream.url)) {
          turn = index + 1
          return upstream.url
        }
      }
      return null
    },
    takeOutOfTurn (url, reason) {
      const upstream = byUrl.get(url)
      if (!canFailOver || upstream == null || !upstream.inTurn) return
      upstream.inTurn = false
      logger.warn({ upstream: url, reason }, 'upstream down: out of turn until it answers a probe')
    },
    close () {
      closed = true
      clearInterval(prober)
    }
  }
}
