// Columns for people: each padded to its widest cell, numbers aligned right.

export function formatTable (header: readonly string[], rows: ReadonlyArray<readonly string[]>, rightAligned: ReadonlySet<number> = new Set()): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)))
  const line = (cells: readonly string[]): string => cells
    .map((cell, column) => {
      const width = widths[column] ?? 0
      if (column === cells.length - 1 && !rightAligned.has(column)) return cell
      return rightAligned.has(column) ? cell.padStart(width) : cell.padEnd(width)
    })
    .join('  ')
  return [line(header), ...rows.map(line)]
}

/** A date as a person reads it in their own time zone: 2026-05-01 14:03. */
export function localTime (iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  const two = (n: number): string => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`
}
