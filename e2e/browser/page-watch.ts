// Watches a page for what a person would call broken: script errors, failed requests the test did not
// provoke, and any request that leaves the peer (the page must work on a network without internet).
import type { Page } from 'playwright-core'

/** Answers that are part of the tests: refused uploads and their checks, and the downloads panel's probe of a route that may not exist yet. */
const EXPECTED_FAILURES = [/^\/upload_file\/$/, /^\/api\/upload-check$/, /^\/api\/downloads$/]

export function watchPage (page: Page, origin: string): { problems: string[] } {
  const problems: string[] = []
  page.on('pageerror', (err) => problems.push(`script error: ${err.message}`))
  page.on('console', (message) => {
    // A failed resource is judged by its response below, where its URL is known.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console error: ${message.text()}`)
  })
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (url.protocol !== 'data:' && url.protocol !== 'blob:' && url.origin !== origin) problems.push(`request outside the peer: ${request.url()}`)
  })
  page.on('response', (response) => {
    const url = new URL(response.url())
    if (response.status() >= 400 && !EXPECTED_FAILURES.some((pattern) => pattern.test(url.pathname))) {
      problems.push(`${response.status()} for ${response.request().method()} ${url.pathname}`)
    }
  })
  return { problems }
}
