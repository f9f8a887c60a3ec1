// The Content-Disposition header of a download: a plain ASCII filename for old clients and the exact
// UTF-8 name in RFC 5987 form (filename*), which every current browser prefers.

/** `attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded` */
export function contentDisposition (name: string): string {
  return `attachment; filename="${asciiFallback(name)}"; filename*=UTF-8''${encodeRfc5987(name)}`
}

/**
 * The name with every character a quoted-string cannot carry safely replaced by '_': anything outside
 * printable ASCII, the quote and backslash, and '%' (some clients percent-decode a plain filename).
 */
export function asciiFallback (name: string): string {
  return name.replace(/[^\x20-\x7e]|["\\%]/gu, '_')
}

/** RFC 5987 ext-value encoding: UTF-8 bytes, percent-encoded except the attr-chars. */
export function encodeRfc5987 (value: string): string {
  // encodeURIComponent leaves ' ( ) * unescaped, but they are not attr-chars.
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}
