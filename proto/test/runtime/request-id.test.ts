// The one shape a request id from outside must have before any service logs it or passes it on.
import { describe, expect, it } from 'vitest'
import { isValidRequestId, MAX_REQUEST_ID_LENGTH, newRequestId, requestIdFrom, requestIdOfRequest } from '../../src/runtime/request-id.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

describe('request ids', () => {
  it('accepts UUIDs and the ids load balancers send: letters, digits and . _ : - up to 128 characters', () => {
    for (const id of [newRequestId(), '0f1e2d3c4b5a69788796a5b4c3d2e1f0', 'copy-1', 'a', 'x'.repeat(MAX_REQUEST_ID_LENGTH), 'trace:peer-1.abc_42']) {
      expect(isValidRequestId(id)).toBe(true)
    }
  })

  it('refuses what could change a log line or bloat it: spaces, quotes, braces, control characters, non-ASCII, too long, empty', () => {
    for (const id of ['', 'a b', 'a"b', '{"level":60}', 'line\nbreak', 'tab\t', 'é', 'a/b', 'x'.repeat(MAX_REQUEST_ID_LENGTH + 1)]) {
      expect(isValidRequestId(id)).toBe(false)
    }
    expect(isValidRequestId(undefined)).toBe(false)
    expect(isValidRequestId(42)).toBe(false)
  })

  it('reads exactly one valid id from a header or metadata value, else none', () => {
    expect(requestIdFrom('abc-1')).toBe('abc-1')
    expect(requestIdFrom(['abc-1'])).toBe('abc-1')
    expect(requestIdFrom(['abc-1', 'abc-2'])).toBeNull()
    expect(requestIdFrom('abc-1, abc-2')).toBeNull()
    expect(requestIdFrom(undefined)).toBeNull()
    expect(requestIdFrom([])).toBeNull()
  })

  it("gives a request the caller's valid id, else a new UUID", () => {
    expect(requestIdOfRequest({ headers: { 'x-request-id': 'from-proxy-1' } })).toBe('from-proxy-1')
    expect(requestIdOfRequest({ headers: { 'x-request-id': 'not valid' } })).toMatch(UUID)
    expect(requestIdOfRequest({ headers: {} })).toMatch(UUID)
    expect(newRequestId()).not.toBe(newRequestId())
  })
})
