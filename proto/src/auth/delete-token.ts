// Who may delete a file. Whoever shared it gets a token for it with the upload's answer; the operator,
// who holds the cluster secret, has one token good for any file. Both are HMACs under keys derived from
// the cluster secret for this purpose alone (HKDF labels of their own), so the central checks a token by
// computing it again: no token is ever stored, and none can pass as a request signature or a ticket.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'

/** The header a delete carries its token in: never the URL, so it stays out of access logs. */
export const DELETE_TOKEN_HEADER = 'x-delete-token'

function deriveKey (secret: string, purpose: 'file-delete-tokens' | 'operator-delete-token'): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'p2p-file-sharing', purpose, 32))
}

/**
 * The token that deletes the file `name` with content `sha256`: another content under the same name (a
 * file shared again after a delete) has another token. Hex, 64 characters.
 */
export function fileDeleteToken (secret: string, name: string, sha256: string): string {
  // The NUL keeps (name, sha256) pairs apart: a file name never contains one.
  return createHmac('sha256', deriveKey(secret, 'file-delete-tokens')).update(`${name}\0${sha256}`).digest('hex')
}

/** The operator's token, good for any file (`npm run operator-token` prints it). Hex, 64 characters. */
export function operatorDeleteToken (secret: string): string {
  return createHmac('sha256', deriveKey(secret, 'operator-delete-token')).update('delete any file').digest('hex')
}

/** Compares a presented token with the expected one in constant time (a wrong length is simply wrong). */
export function deleteTokenMatches (presented: string, expected: string): boolean {
  const a = Buffer.from(presented, 'utf8')
  const b = Buffer.from(expected, 'utf8')
  return a.length === b.length && timingSafeEqual(a, b)
}
