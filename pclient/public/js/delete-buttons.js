// Deleting what this browser shared: the delete token of each file uploaded from here is kept in local
// storage (it is given once, with the upload's answer), and the rows of those files get a Delete
// button. Files shared from elsewhere get none: without their token nobody here can delete them.
const STORAGE_KEY = 'p2p-delete-tokens'

function readTokens () {
  try {
    const tokens = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}')
    return typeof tokens === 'object' && tokens != null ? tokens : {}
  } catch {
    return {}
  }
}

function writeTokens (tokens) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(tokens))
  } catch {}
}

/** Keeps the token of a file just uploaded from this browser. */
export function rememberDeleteToken (name, token) {
  if (typeof name !== 'string' || typeof token !== 'string' || token === '') return
  writeTokens({ ...readTokens(), [name]: token })
}

function forgetDeleteToken (name) {
  const tokens = readTokens()
  delete tokens[name]
  writeTokens(tokens)
}

/** A form upload without script comes back with its token in the address's fragment: keep it, and clear it. */
export function takeTokenFromAddress () {
  const url = new URL(location.href)
  const token = new URLSearchParams(url.hash.slice(1)).get('delete-token')
  const name = url.searchParams.get('uploaded')
  if (token == null) return
  if (name != null) rememberDeleteToken(name, token)
  url.hash = ''
  history.replaceState(history.state, '', url)
}

async function deleteFile (name, token) {
  const response = await fetch(`/files/${encodeURIComponent(name)}`, {
    method: 'DELETE', headers: { 'x-delete-token': token, accept: 'application/json' }
  })
  if (response.ok || response.status === 404 || response.status === 410) {
    forgetDeleteToken(name)
    return null
  }
  const body = await response.json().catch(() => null)
  if (response.status === 403) forgetDeleteToken(name)
  return body?.message ?? `the delete failed (${response.status})`
}

/** Adds a Delete button to each row of a file this browser shared; `onDeleted` refreshes the list. */
export function addDeleteButtons (container, onDeleted) {
  const tokens = readTokens()
  for (const row of container?.querySelectorAll('tr[data-name]') ?? []) {
    const name = row.dataset.name
    const cell = row.querySelector('.col-action')
    if (tokens[name] == null || cell == null || cell.querySelector('[data-delete]') != null) continue
    const button = document.createElement('button')
    button.type = 'button'
    button.className = 'button danger'
    button.dataset.delete = ''
    button.textContent = 'Delete'
    button.setAttribute('aria-label', `Delete ${name} from the network`)
    button.addEventListener('click', async () => {
      if (!confirm(`Delete "${name}" from the whole network? Every copy is removed; this cannot be undone.`)) return
      button.disabled = true
      const problem = await deleteFile(name, tokens[name])
      if (problem != null) alert(`"${name}" was not deleted: ${problem}`)
      await onDeleted()
    })
    cell.append(button)
  }
}
