// The downloads this peer's client is serving (running, and the last few finished), each with the
// peers its pieces come from. Shown only when the client offers GET /api/downloads; polled while the
// page is visible.
import { formatBytes, formatDuration } from './format.js'

const POLL_MS = 1500

export async function showDownloads ({ section, list, every }) {
  const show = async () => {
    const downloads = await fetchDownloads()
    if (downloads == null) return
    section.hidden = false
    render(list, downloads)
  }
  await show()
  // Keeps asking: a first answer that failed (the client restarting) must not hide the panel for good.
  every(POLL_MS, show)
}

async function fetchDownloads () {
  try {
    const response = await fetch('/api/downloads', { headers: { accept: 'application/json' }, cache: 'no-store' })
    if (response.status !== 200) return null
    const body = await response.json()
    return Array.isArray(body?.downloads) ? body.downloads : null
  } catch {
    return null
  }
}

function render (list, downloads) {
  if (downloads.length === 0) {
    list.replaceChildren(element('p', 'empty', 'Nothing yet. Files downloaded through this peer show here, with the peers their pieces come from.'))
    return
  }
  list.replaceChildren(...downloads.map(renderDownload))
}

function renderDownload (download) {
  const item = element('div', 'download-item')
  item.dataset.state = String(download.state ?? 'active')
  const size = Number(download.size) || 0
  const sent = Number(download.bytesSent) || 0
  const percent = size > 0 ? Math.min(100, Math.floor((sent / size) * 100)) : 100
  const seconds = ((download.finishedAt != null ? Date.parse(download.finishedAt) : Date.now()) - Date.parse(download.startedAt)) / 1000
  const rate = seconds > 0 ? sent / seconds : 0
  item.append(element('strong', 'download-name', String(download.name)), element('span', 'space-text', ` ${describe(download, { percent, sent, size, seconds, rate })}`))
  if (download.state === 'active') {
    const bar = document.createElement('progress')
    bar.max = 100
    bar.value = percent
    bar.setAttribute('aria-label', `Download of ${download.name}`)
    item.append(bar)
  }
  const sources = Array.isArray(download.sources) ? download.sources : []
  if (sources.length > 0) {
    const ul = element('ul', 'download-sources')
    ul.setAttribute('aria-label', `Peers ${download.name} comes from`)
    for (const source of sources) {
      const reason = source.reason != null ? `: ${source.reason}` : ''
      ul.append(element('li', '', `from ${source.peerId}: ${source.pieces} ${source.pieces === 1 ? 'piece' : 'pieces'}, ${formatBytes(Number(source.bytes) || 0)} (${source.state}${reason})`))
    }
    item.append(ul)
  }
  return item
}

function describe (download, { percent, sent, size, seconds, rate }) {
  if (download.state === 'failed') return `· failed after ${formatBytes(sent)}${download.error != null ? `: ${download.error}` : ''}`
  if (download.state === 'done') return `· done, ${formatBytes(sent)} in ${formatDuration(seconds)} (${formatBytes(rate)}/s)`
  return `· ${percent}% · ${formatBytes(sent)} of ${formatBytes(size)} · ${formatBytes(rate)}/s`
}

/** Text goes in as text, never as HTML: names come from other people. */
function element (tag, className, text) {
  const node = document.createElement(tag)
  if (className !== '') node.className = className
  if (text != null) node.textContent = text
  return node
}
