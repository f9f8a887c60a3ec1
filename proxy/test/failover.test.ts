// Several upstreams behind one proxy (the central's replicas): requests spread over those in turn; one
// that refuses or resets connections is left out, its GETs answered by the others, until it answers
// a probe again; with every one down the proxy answers 502 at once.
import { afterEach, describe, expect, it } from 'vitest'
import { captureLogger, waitFor } from '@p2p/test-support'
import { closeAll, closedPort, closeNow, startProxy, startUpstream } from './helpers.js'
import type { TestUpstream } from './helpers.js'

afterEach(closeAll)

interface Answer { status: number, body: { name?: string, error?: string } }

async function get (proxyPort: number, path: string): Promise<Answer> {
  const response = await fetch(`http://127.0.0.1:${proxyPort}${path}`)
  return { status: response.status, body: await response.json() as Answer['body'] }
}

/** Sends `count` GETs one after the other; returns how many each upstream answered, by name. */
async function spread (proxyPort: number, count: number): Promise<Record<string, number>> {
  const answeredBy: Record<string, number> = {}
  for (let i = 0; i < count; i++) {
    const { status, body } = await get(proxyPort, `/item/${i}`)
    expect(status).toBe(200)
    const name = body.name ?? '?'
    answeredBy[name] = (answeredBy[name] ?? 0) + 1
  }
  return answeredBy
}

const withMessage = (lines: Array<Record<string, unknown>>, start: string): Array<Record<string, unknown>> =>
  lines.filter((line) => typeof line.msg === 'string' && line.msg.startsWith(start))

describe('proxy with several upstreams', () => {
  it('spreads requests round-robin over the upstreams', async () => {
    const upstreams = await Promise.all(['a', 'b', 'c'].map(async (name) => await startUpstream(name)))
    const proxyPort = await startProxy(upstreams.map((upstream) => upstream.port))
    expect(await spread(proxyPort, 30)).toEqual({ a: 10, b: 10, c: 10 })
  })

  it('leaves out an upstream that was closed, answers every GET from the others, and sends to it again once it is back', async () => {
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map(async (name) => await startUpstream(name))) as [TestUpstream, TestUpstream, TestUpstream]
    const { logger, lines } = captureLogger()
    const proxyPort = await startProxy([a.port, b.port, c.port], { probeIntervalMs: 100, logger })
    // Every upstream has answered once: the proxy holds a kept-alive connection to each.
    expect(await spread(proxyPort, 3)).toEqual({ a: 1, b: 1, c: 1 })

    await closeNow(c.server)
    // A burst at once: a third of it goes to c before anything is known, and is sent on to a or b.
    const burst = await Promise.all(Array.from({ length: 30 }, async (_, i) => await get(proxyPort, `/burst/${i}`)))
    expect(burst.map((answer) => answer.status)).toEqual(Array(30).fill(200))
    expect(burst.filter((answer) => answer.body.name === 'c')).toEqual([])
    expect(withMessage(lines, 'upstream down')).toMatchObject([{ upstream: c.url }])
    // Out of turn from then on: not one request is even tried on it (a refused try is logged).
    const failedTries = withMessage(lines, 'upstream request failed').length
    const whileDown = await spread(proxyPort, 30)
    expect(whileDown).toEqual({ a: 15, b: 15 })
    expect(withMessage(lines, 'upstream request failed')).toHaveLength(failedTries)

    const back = await startUpstream('c', c.port)
    await waitFor('the proxy to see c answer again', () => withMessage(lines, 'upstream up').length === 1)
    expect(withMessage(lines, 'upstream up')).toMatchObject([{ upstream: c.url }])
    expect(back.probes).toBeGreaterThanOrEqual(1)
    expect(await spread(proxyPort, 30)).toEqual({ a: 10, b: 10, c: 10 })
    expect(withMessage(lines, 'upstream down')).toHaveLength(1)
  })

  it('leaves out an upstream that resets connections: it sees one request, then only probes, until it answers again', async () => {
    const [resetting, a, b] = await Promise.all(['r', 'a', 'b'].map(async (name) => await startUpstream(name))) as [TestUpstream, TestUpstream, TestUpstream]
    resetting.behaviour = 'reset'
    const { logger, lines } = captureLogger()
    const proxyPort = await startProxy([resetting.port, a.port, b.port], { probeIntervalMs: 100, logger })

    // The first GET goes to the resetting one and is sent again, to the next upstream in turn.
    expect(await spread(proxyPort, 20)).toEqual({ a: 10, b: 10 })
    await waitFor('a probe of the resetting upstream', () => resetting.probes >= 2)
    expect(await spread(proxyPort, 10)).toEqual({ a: 5, b: 5 })
    expect(resetting.requests).toEqual(['GET /item/0'])
    expect(withMessage(lines, 'upstream up')).toEqual([])

    resetting.behaviour = 'answer'
    await waitFor('the proxy to see r answer again', () => withMessage(lines, 'upstream up').length === 1)
    expect(await spread(proxyPort, 30)).toEqual({ r: 10, a: 10, b: 10 })
  })

  it('answers 502 PROXY_UPSTREAM_UNREACHABLE at once when every upstream is down, without trying them, until one answers again', async () => {
    const ports = [await closedPort(), await closedPort()]
    const { logger, lines } = captureLogger()
    const proxyPort = await startProxy(ports, { probeIntervalMs: 100, logger })
    // The first request finds both refusing.
    expect(await get(proxyPort, '/first')).toMatchObject({ status: 502, body: { error: 'PROXY_UPSTREAM_UNREACHABLE' } })
    expect(withMessage(lines, 'upstream down')).toHaveLength(2)

    for (let i = 0; i < 5; i++) {
      const started = performance.now()
      expect(await get(proxyPort, `/again/${i}`)).toMatchObject({ status: 502, body: { error: 'PROXY_UPSTREAM_UNREACHABLE' } })
      expect(performance.now() - started).toBeLessThan(500)
    }
    expect(withMessage(lines, 'upstream request failed')).toHaveLength(2)

    await startUpstream('back', ports[1])
    await waitFor('the proxy to see an upstream answer again', () => withMessage(lines, 'upstream up').length === 1)
    expect(await get(proxyPort, '/after')).toMatchObject({ status: 200, body: { name: 'back' } })
  })

  it('tries a single upstream on every request, as before: it answers as soon as it is back, with no probe to wait for', async () => {
    const port = await closedPort()
    const { logger, lines } = captureLogger()
    const proxyPort = await startProxy(port, { probeIntervalMs: 60_000, logger })
    expect(await get(proxyPort, '/')).toMatchObject({ status: 502, body: { error: 'PROXY_UPSTREAM_UNREACHABLE' } })
    await startUpstream('only', port)
    expect(await get(proxyPort, '/')).toMatchObject({ status: 200, body: { name: 'only' } })
    expect(withMessage(lines, 'upstream down')).toEqual([])
  })

  it('brings back an upstream that answers its probe with an error: it is there, and its answers are its clients\' to see', async () => {
    const [central, other] = [await startUpstream('c'), await startUpstream('a')]
    central.behaviour = 'reset'
    const { logger, lines } = captureLogger()
    const proxyPort = await startProxy([central.port, other.port], { probeIntervalMs: 100, logger })
    expect(await get(proxyPort, '/files')).toMatchObject({ status: 200, body: { name: 'a' } })
    // As a central does when its Redis is away: 503 to everything, /health included.
    central.behaviour = 'unavailable'
    await waitFor('the proxy to see c answer again', () => withMessage(lines, 'upstream up').length === 1)
    const answers = [await get(proxyPort, '/files'), await get(proxyPort, '/files')]
    expect(answers).toContainEqual({ status: 503, body: { name: 'c', error: 'CENTRAL_STORE_UNAVAILABLE' } })
  })
})
