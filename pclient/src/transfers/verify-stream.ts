// A pass-through that checks the bytes flowing through it against a known size and SHA-256, holding back
// the last chunk until the check passes. A reader therefore never receives a complete file with wrong
// bytes: on a mismatch the stream errors before its final chunk, and the HTTP response is cut short.
import { createHash } from 'node:crypto'
import { Transform } from 'node:stream'
import type { TransformCallback } from 'node:stream'
import { DataLossError } from '../errors.js'

export interface VerifyExpectation {
  /** Lower-case hex SHA-256 the whole content must have. */
  sha256: string
  /** Exact size in bytes; more bytes fail at once, fewer fail at the end. */
  size: number
}

export function createVerifyingStream (expected: VerifyExpectation): Transform {
  const hash = createHash('sha256')
  let received = 0
  let held: Buffer | null = null

  return new Transform({
    transform (chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      received += chunk.length
      if (received > expected.size) {
        callback(new DataLossError(`received more than the expected ${expected.size} bytes`))
        return
      }
      hash.update(chunk)
      // Release the previous chunk only now that another follows it: the held one may be the last.
      const previous = held
      held = chunk
      callback(null, previous ?? undefined)
    },
    flush (callback: TransformCallback) {
      if (received !== expected.size) {
        callback(new DataLossError(`received ${received} bytes, expected ${expected.size}`))
        return
      }
      const actual = hash.digest('hex')
      if (actual !== expected.sha256) {
        callback(new DataLossError(`the content's SHA-256 is ${actual}, expected ${expected.sha256}`))
        return
      }
      callback(null, held ?? undefined)
      held = null
    }
  })
}
