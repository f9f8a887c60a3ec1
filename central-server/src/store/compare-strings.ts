// One string order for every sorted answer: code-point order, which is the order of the strings' UTF-8
// bytes, so it is the order Redis sorts by (equal-score members and BYLEX ranges compare bytes) and the
// memory and Redis stores page names alike; the same on every platform and locale, unlike localeCompare.
// JavaScript's < compares UTF-16 code units instead, which differs only where a character above U+FFFF
// (a surrogate pair, e.g. an emoji) meets one from U+E000 to U+FFFF (e.g. fullwidth forms).
export function compareStrings (a: string, b: string): number {
  if (a === b) return 0
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return codePointRank(x) < codePointRank(y) ? -1 : 1
  }
  return a.length < b.length ? -1 : 1
}

/** A code unit's place in code-point order: surrogates (D800-DFFF, characters above U+FFFF) move above U+E000-U+FFFF. */
function codePointRank (unit: number): number {
  if (unit < 0xd800) return unit
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000
}
