// Keeps parts of the page current: fetches a part's HTML from the server (the same templates that drew
// the page, so there is one way of drawing it) and puts it in place, without losing the keyboard focus.

/**
 * A part's answer normally comes within a second, even with the central down (the client then answers
 * with what it last knew). One that takes longer than this is given up, so a stalled answer never stops
 * the refreshes for good: the next one asks again.
 */
const ANSWER_TIMEOUT_MS = 15_000

const lastHtml = new WeakMap()
const inFlight = new WeakMap()

/** Replaces `container`'s content with `container.dataset.src + query`. Resolves true when it changed. */
export async function refreshPart (container, query = '') {
  inFlight.get(container)?.abort()
  const controller = new AbortController()
  inFlight.set(container, controller)
  const giveUp = setTimeout(() => controller.abort(), ANSWER_TIMEOUT_MS)
  let html
  try {
    const response = await fetch(container.dataset.src + query, { headers: { accept: 'text/html' }, cache: 'no-store', signal: controller.signal })
    if (!response.ok) return false
    html = await response.text()
  } catch {
    // Offline for a moment, given up, or replaced by a newer refresh: the part keeps what it shows.
    return false
  } finally {
    clearTimeout(giveUp)
    if (inFlight.get(container) === controller) inFlight.delete(container)
  }
  if (html === lastHtml.get(container)) return false
  lastHtml.set(container, html)
  swapKeepingFocus(container, html)
  return true
}

/** Runs `task` every `ms` while the page is visible, and at once when it becomes visible again. */
export function every (ms, task) {
  let timer = null
  let running = false
  const schedule = () => {
    clearTimeout(timer)
    if (document.visibilityState === 'visible') timer = setTimeout(run, ms)
  }
  const run = async () => {
    if (running) return
    running = true
    clearTimeout(timer)
    try { await task() } finally {
      running = false
      schedule()
    }
  }
  const onVisibility = () => { if (document.visibilityState === 'visible') void run() }
  document.addEventListener('visibilitychange', onVisibility)
  schedule()
  return () => {
    clearTimeout(timer)
    document.removeEventListener('visibilitychange', onVisibility)
  }
}

/** Someone tabbing through the list keeps their place when it is redrawn under them. */
function swapKeepingFocus (container, html) {
  const focused = container.contains(document.activeElement) ? document.activeElement : null
  const key = focused?.getAttribute('href') ?? null
  container.innerHTML = html
  if (key == null) return
  const same = [...container.querySelectorAll('[href]')].find((element) => element.getAttribute('href') === key)
  same?.focus({ preventScroll: true })
}
