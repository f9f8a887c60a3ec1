// Files dropped anywhere on the page are shared (a browser would otherwise open the file and leave the
// page); the drop zone lights up while files are dragged over the window.

/** `onFiles(files)` gets the dropped files; `onFolder(name)` each dropped folder, which cannot be sent. */
export function acceptDrops ({ zone, onFiles, onFolder }) {
  let depth = 0
  const carriesFiles = (event) => event.dataTransfer != null && [...event.dataTransfer.types].includes('Files')
  const setDragging = (on) => { zone.classList.toggle('dragging', on) }

  document.addEventListener('dragenter', (event) => {
    if (!carriesFiles(event)) return
    depth += 1
    setDragging(true)
  })
  document.addEventListener('dragleave', (event) => {
    if (!carriesFiles(event)) return
    depth = Math.max(0, depth - 1)
    if (depth === 0) setDragging(false)
  })
  document.addEventListener('dragover', (event) => {
    if (!carriesFiles(event)) return
    event.preventDefault()
    event.dataTransfer.dropEffect = 'copy'
  })
  document.addEventListener('drop', (event) => {
    if (!carriesFiles(event)) return
    event.preventDefault()
    depth = 0
    setDragging(false)
    const files = []
    const items = [...event.dataTransfer.items].filter((item) => item.kind === 'file')
    // A folder arrives as a "file" of size 0 that cannot be read; the entry API tells them apart.
    items.forEach((item) => {
      const entry = item.webkitGetAsEntry?.()
      const file = item.getAsFile()
      if (entry?.isDirectory === true) onFolder(entry.name)
      else if (file != null) files.push(file)
    })
    if (items.length === 0) files.push(...event.dataTransfer.files)
    if (files.length > 0) onFiles(files)
  })
}
