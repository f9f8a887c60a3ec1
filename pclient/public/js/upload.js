// Uploads from the page without leaving it: each chosen or dropped file is sent as its own request to
// the same route the plain form uses (asking for JSON instead of a redirect), one after another, with a
// progress row each. XMLHttpRequest, because fetch cannot report upload progress.
import { rememberDeleteToken } from './delete-buttons.js'
import { createRateMeter, formatBytes } from './format.js'
import { describeUploadError } from './upload-errors.js'
import { button, createUploadRow } from './upload-row.js'

/**
 * `form` is the plain upload form (its action, its file field), `list` the <ol> for rows, `announcer`
 * a live region for outcomes. `onUploaded(name)` runs after each success. Returns `add(files)` for
 * files that arrive another way (dropped), and `reject(name, reason)` for things that cannot be sent.
 */
export function enhanceUpload ({ form, list, announcer, onUploaded }) {
  const input = form.elements.namedItem('file')
  const maxUpload = form.dataset.maxUpload
  const queue = []
  let busy = false

  // Several files at once only with the script: the route takes one file per request.
  input.multiple = true
  input.required = false
  const takeChosen = () => {
    const files = [...input.files]
    // Cleared, so choosing the same file again (after fixing a problem) still fires 'change'.
    input.value = ''
    add(files)
  }
  input.addEventListener('change', takeChosen)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    takeChosen()
  })

  const announce = (text) => { announcer.textContent = text }

  function add (files) {
    for (const file of files) enqueue(file)
    void next()
  }

  function enqueue (file) {
    const row = createUploadRow(file)
    const job = { file, row, cancelled: false, xhr: null }
    list.prepend(row.element)
    row.waiting()
    row.setButtons(button('Cancel', () => cancel(job), `Cancel the upload of ${file.name}`))
    queue.push(job)
  }

  function cancel (job) {
    job.cancelled = true
    job.xhr?.abort()
    const waiting = queue.indexOf(job)
    if (waiting >= 0) queue.splice(waiting, 1)
    finish(job, 'cancelled')
  }

  function finish (job, outcome, text) {
    const { row, file } = job
    if (outcome === 'done') row.done(text)
    else if (outcome === 'cancelled') row.cancelled()
    else row.failed(text)
    const remove = button('Remove', () => { row.element.remove() }, `Remove ${file.name} from this list`)
    if (outcome === 'done') {
      row.setButtons(remove)
      announce(`${file.name}: ${text}`)
    } else {
      const retry = button('Try again', () => {
        row.element.remove()
        add([file])
      }, `Try uploading ${file.name} again`)
      row.setButtons(retry, remove)
      if (outcome === 'failed') announce(`${file.name} was not uploaded. ${text}`)
    }
  }

  async function next () {
    if (busy) return
    const job = queue.shift()
    if (job == null) return
    busy = true
    try {
      await send(job)
    } finally {
      busy = false
      void next()
    }
  }

  async function send (job) {
    job.row.checking()
    const problem = await check(job.file)
    if (job.cancelled) return
    if (problem != null) finish(job, 'failed', problem)
    else await transfer(job)
  }

  /**
   * Asks first whether the file would be accepted: a browser reads an upload's answer only after
   * sending the whole body, so a refusal found this way saves sending a file for nothing.
   */
  async function check (file) {
    try {
      const query = new URLSearchParams({ name: file.name, size: String(file.size) })
      const response = await fetch(`/api/upload-check?${query}`, { headers: { accept: 'application/json' }, cache: 'no-store' })
      if (response.ok) return null
      return describeUploadError(response.status, parseJson(await response.text()), file, maxUpload)
    } catch {
      return describeUploadError(0, null, file, maxUpload)
    }
  }

  function transfer (job) {
    return new Promise((resolve) => {
      const { file, row } = job
      const xhr = new XMLHttpRequest()
      job.xhr = xhr
      const rate = createRateMeter()
      row.setButtons(button('Cancel', () => cancel(job), `Cancel the upload of ${file.name}`))
      row.progress(0, file.size, 0)
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable) row.progress(event.loaded, event.total, rate.sample(event.loaded))
      })
      // Every byte is sent; the answer comes once the peer has checked, stored and announced the file.
      xhr.upload.addEventListener('load', () => { if (!job.cancelled) row.storing() })
      xhr.addEventListener('load', () => {
        const body = parseJson(xhr.responseText)
        if (xhr.status === 201 && body != null) {
          const peers = Array.isArray(body.peers) && body.peers.length > 0 ? body.peers.join(', ') : 'the network'
          finish(job, 'done', `Uploaded ${formatBytes(body.size)}, stored on ${peers}.${copiesToFollow(body)}`)
          rememberDeleteToken(body.name, body.deleteToken)
          onUploaded?.(body.name)
        } else {
          finish(job, 'failed', describeUploadError(xhr.status, body, file, maxUpload))
        }
        resolve()
      })
      xhr.addEventListener('error', () => {
        finish(job, 'failed', describeUploadError(0, null, file, maxUpload))
        resolve()
      })
      xhr.addEventListener('abort', () => resolve())
      xhr.open('POST', form.action)
      xhr.setRequestHeader('accept', 'application/json')
      const body = new FormData()
      body.append('file', file, file.name)
      xhr.send(body)
    })
  }

  return {
    add,
    reject (name, reason) {
      const job = { file: { name, size: 0 }, row: createUploadRow({ name, size: 0 }) }
      list.prepend(job.row.element)
      job.row.failed(reason)
      job.row.setButtons(button('Remove', () => { job.row.element.remove() }, `Remove ${name} from this list`))
      announce(`${name} was not uploaded. ${reason}`)
    }
  }
}

function parseJson (text) {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

/** ' 1 more copy follows on another peer.' when the network keeps more copies than the upload made. */
function copiesToFollow (body) {
  const more = typeof body.replicationFactor === 'number' && typeof body.copies === 'number' ? body.replicationFactor - body.copies : 0
  if (more <= 0) return ''
  return more === 1 ? ' 1 more copy follows on another peer.' : ` ${more} more copies follow on other peers.`
}
