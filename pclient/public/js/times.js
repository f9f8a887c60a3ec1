// The server writes "5 min ago" (it does not know the browser's time zone); hovering shows the exact
// moment in the person's own local time.
export function localizeTimes (root = document) {
  for (const time of root.querySelectorAll('time[datetime]')) {
    const date = new Date(time.getAttribute('datetime'))
    if (!Number.isNaN(date.getTime())) time.title = date.toLocaleString()
  }
}
