// One row of the upload list: the file's name, a progress bar, what is happening in words (speed and
// time left while sending), and the buttons that fit the moment (cancel, try again, remove).
import { formatBytes, formatDuration } from './format.js'

export function createUploadRow (file) {
  const item = document.createElement('li')
  item.className = 'upload-item'
  const name = document.createElement('span')
  name.className = 'upload-name'
  name.textContent = file.name
  const actions = document.createElement('span')
  actions.className = 'upload-actions'
  const bar = document.createElement('progress')
  bar.max = 100
  bar.value = 0
  bar.setAttribute('aria-label', `Upload of ${file.name}`)
  const status = document.createElement('span')
  status.className = 'upload-status'
  item.append(name, actions, bar, status)

  const setState = (state, text) => {
    item.dataset.state = state
    item.classList.toggle('done', state === 'done')
    item.classList.toggle('failed', state === 'failed' || state === 'cancelled')
    status.textContent = text
  }
  const setButtons = (...buttons) => { actions.replaceChildren(...buttons) }

  return {
    element: item,
    waiting () { setState('waiting', `Waiting · ${formatBytes(file.size)}`) },
    checking () { setState('checking', `Finding a peer with room for ${formatBytes(file.size)}…`) },
    progress (sent, total, rate) {
      const fraction = total > 0 ? Math.min(1, sent / total) : 0
      bar.value = Math.floor(fraction * 100)
      // The request is the file plus a little form framing: show the file's own numbers.
      const fileBytes = Math.min(file.size, Math.round(fraction * file.size))
      const speed = rate > 0 ? ` · ${formatBytes(rate)}/s · ${formatDuration((total - sent) / rate)} left` : ''
      setState('sending', `${bar.value}% · ${formatBytes(fileBytes)} of ${formatBytes(file.size)}${speed}`)
    },
    storing () {
      bar.value = 100
      setState('storing', '100% · sent; the peer is checking and storing it…')
      // Every byte is sent: stopping now would not stop the peer, so there is nothing to cancel.
      setButtons()
    },
    done (text) {
      bar.value = 100
      setState('done', text)
    },
    failed (text) { setState('failed', text) },
    cancelled () { setState('cancelled', 'Cancelled; nothing was stored.') },
    setButtons
  }
}

export function button (label, onClick, accessibleName = label) {
  const element = document.createElement('button')
  element.type = 'button'
  element.className = 'button'
  element.textContent = label
  if (accessibleName !== label) element.setAttribute('aria-label', accessibleName)
  element.addEventListener('click', onClick)
  return element
}
