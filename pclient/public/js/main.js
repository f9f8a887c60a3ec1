// The page's script: progressive enhancement of a page that works without it. Uploads with progress and
// drag and drop, a live filter and sorting, and the list, the peers and the downloads kept current.
import { addDeleteButtons, takeTokenFromAddress } from './delete-buttons.js'
import { showDownloads } from './downloads.js'
import { acceptDrops } from './drop-zone.js'
import { enhanceFileList } from './file-list.js'
import { every, refreshPart } from './refresh.js'
import { localizeTimes } from './times.js'
import { enhanceUpload } from './upload.js'

const REFRESH_MS = 5000

document.documentElement.classList.add('js')

const fileList = document.getElementById('file-list')
const networkView = document.getElementById('network-view')

takeTokenFromAddress()
const files = enhanceFileList({
  container: fileList,
  form: document.getElementById('filter-form'),
  refreshPart,
  onRefreshed: () => {
    localizeTimes(fileList)
    addDeleteButtons(fileList, () => files.refresh())
  }
})
addDeleteButtons(fileList, () => files.refresh())
const refreshNetwork = async () => {
  if (await refreshPart(networkView)) localizeTimes(networkView)
}

const uploads = enhanceUpload({
  form: document.getElementById('upload-form'),
  list: document.getElementById('upload-list'),
  announcer: document.getElementById('upload-announcer'),
  onUploaded: async (name) => {
    void refreshNetwork()
    await files.refresh()
    highlight(name)
  }
})

acceptDrops({
  zone: document.getElementById('drop-zone'),
  onFiles: (dropped) => uploads.add(dropped),
  onFolder: (name) => uploads.reject(name, 'Folders cannot be shared: open it and drop the files inside.')
})

every(REFRESH_MS, files.refresh)
every(REFRESH_MS, refreshNetwork)
void showDownloads({ section: document.getElementById('downloads'), list: document.getElementById('download-list'), every })
localizeTimes()
forgetNotice()

/** Briefly marks the row of a file just uploaded, so the eye finds it. */
function highlight (name) {
  const row = [...fileList.querySelectorAll('tr[data-name]')].find((tr) => tr.dataset.name === name)
  row?.classList.add('fresh')
}

/** The message a redirect brought stays on screen, but leaves the address bar: a reload does not repeat it. */
function forgetNotice () {
  const url = new URL(location.href)
  if (!url.searchParams.has('message') && !url.searchParams.has('error')) return
  url.searchParams.delete('message')
  url.searchParams.delete('error')
  history.replaceState(history.state, '', url)
}
