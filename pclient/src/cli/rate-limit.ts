// --limit-rate: at most `bytesPerSecond` through a stream, as curl's option of the same name does. A
// chunk waits until the bytes before it have had their time, so the average holds over any span.
import { Transform } from 'node:stream'

export function rateLimit (bytesPerSecond: number | undefined): Transform {
  let nextFree = 0
  return new Transform({
    transform (chunk: Buffer, _encoding, done) {
      if (bytesPerSecond == null) { done(null, chunk); return }
      const now = Date.now()
      nextFree = Math.max(nextFree, now) + chunk.length * 1000 / bytesPerSecond
      setTimeout(() => { done(null, chunk) }, Math.max(0, nextFree - now - chunk.length * 1000 / bytesPerSecond))
    }
  })
}
