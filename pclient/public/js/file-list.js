// The filter box and the sort links, without reloading the page: the server still filters and sorts
// (the same code serves the page without JavaScript); this asks it for the list as the person types or
// clicks, and keeps the address bar in step so a reload or a shared link shows the same list.

const TYPING_PAUSE_MS = 200

/**
 * `container` holds the list (refreshed from its data-src), `form` is the filter form with the fields
 * q, sort and order. Returns `refresh()`, which redraws the list as currently filtered and sorted.
 */
export function enhanceFileList ({ container, form, refreshPart, onRefreshed }) {
  const field = (name) => form.elements.namedItem(name)
  const query = () => {
    const params = new URLSearchParams()
    for (const name of ['q', 'sort', 'order']) {
      const value = field(name)?.value ?? ''
      if (value !== '') params.set(name, value.trim())
    }
    return params
  }
  const refresh = async () => {
    const changed = await refreshPart(container, `?${query()}`)
    if (changed) onRefreshed?.()
    return changed
  }
  const show = () => {
    history.replaceState(history.state, '', `/?${query()}${location.hash}`)
    return refresh()
  }

  let pause = null
  field('q').addEventListener('input', () => {
    clearTimeout(pause)
    pause = setTimeout(show, TYPING_PAUSE_MS)
  })
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    clearTimeout(pause)
    void show()
  })
  // The sort links and "show all files" live in the list itself, which is redrawn: listen above it.
  container.addEventListener('click', (event) => {
    const link = event.target.closest('a[data-sort], a[data-clear-filter]')
    if (link == null || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return
    event.preventDefault()
    const params = new URL(link.href).searchParams
    field('q').value = params.get('q') ?? ''
    field('sort').value = params.get('sort') ?? ''
    field('order').value = params.get('order') ?? ''
    void show().then(() => {
      // Keep the keyboard on the column just sorted (the redraw replaced the link).
      if (link.dataset.sort != null) container.querySelector(`a[data-sort="${link.dataset.sort}"]`)?.focus()
      else field('q').focus()
    })
  })
  return { refresh }
}
