// The filter box, the sort links and the pages of a long list, without reloading the page: the server
// still filters, sorts and pages (the same code serves the page without JavaScript); this asks it for
// the list as the person types or clicks, and keeps the address bar in step so a reload or a shared
// link shows the same list. The page shown (the central's cursor) is kept here and in the address, not
// in the form: a new filter starts again from the first page.

const TYPING_PAUSE_MS = 200

/**
 * `container` holds the list (refreshed from its data-src), `form` is the filter form with the fields
 * q, sort and order. Returns `refresh()`, which redraws the list as currently filtered, sorted and paged.
 */
export function enhanceFileList ({ container, form, refreshPart, onRefreshed }) {
  const field = (name) => form.elements.namedItem(name)
  let cursor = new URL(location.href).searchParams.get('cursor')
  const query = () => {
    const params = new URLSearchParams()
    for (const name of ['q', 'sort', 'order']) {
      const value = field(name)?.value ?? ''
      if (value !== '') params.set(name, value.trim())
    }
    if (cursor != null) params.set('cursor', cursor)
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
  const showFirstPage = () => {
    cursor = null
    return show()
  }

  let pause = null
  field('q').addEventListener('input', () => {
    clearTimeout(pause)
    pause = setTimeout(showFirstPage, TYPING_PAUSE_MS)
  })
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    clearTimeout(pause)
    void showFirstPage()
  })
  // The sort links, "show all files" and the page links live in the list itself, which is redrawn:
  // listen above it. Each link carries the whole list it shows (filter, order, page) in its address.
  container.addEventListener('click', (event) => {
    const link = event.target.closest('a[data-sort], a[data-clear-filter], a[data-page]')
    if (link == null || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return
    event.preventDefault()
    const params = new URL(link.href).searchParams
    field('q').value = params.get('q') ?? ''
    field('sort').value = params.get('sort') ?? ''
    field('order').value = params.get('order') ?? ''
    cursor = params.get('cursor')
    void show().then(() => {
      if (link.dataset.page != null) {
        // Another page: start reading it from its top, and keep the keyboard on the way onward.
        container.scrollIntoView({ block: 'start' })
        const onward = container.querySelector('a[data-page="next"]') ?? container.querySelector('a[data-page="first"]')
        onward?.focus({ preventScroll: true })
      } else if (link.dataset.sort != null) {
        // Keep the keyboard on the column just sorted (the redraw replaced the link).
        container.querySelector(`a[data-sort="${link.dataset.sort}"]`)?.focus()
      } else {
        field('q').focus()
      }
    })
  })
  return { refresh }
}
