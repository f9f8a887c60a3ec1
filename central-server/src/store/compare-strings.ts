// One string order for every sorted answer: code-unit order, the same on every platform and locale
// (and the order a Redis store would sort by), unlike localeCompare. It lives with the stores because
// their listings are sorted by it (DirectoryStore.listPeers, listCatalog); the directory sorts the same way.
export function compareStrings (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
