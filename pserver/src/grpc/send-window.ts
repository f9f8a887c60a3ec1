// Bounds the bytes a server stream holds in messages it wrote and grpc-js has not yet handed to HTTP/2.
// grpc-js's own bound for a server stream is 16 messages, whatever their size: 4 MiB of a download's
// disk reads per call, held whenever the caller reads slower than the disk. With four downloads at once
// that was most of what a pserver held beyond its idle (docs/performance.md, "A pserver's downloads
// hold a megabyte each"). The call's write callback is when grpc-js handed a message on.
import type { Writable } from 'node:stream'

export interface SendWindow {
  /** Writes `message`, which carries `bytes`, counting them until the call takes them. */
  write: (message: unknown, bytes: number) => void
  /** Resolves once fewer than the window's bytes are waiting, or the call closed, or `stopped` aborted. */
  room: (stopped: AbortSignal) => Promise<void>
}

export function createSendWindow (call: Pick<Writable, 'write' | 'once' | 'off' | 'closed'>, maxBytes: number): SendWindow {
  let waiting = 0
  let wake: (() => void) | null = null
  return {
    write: (message, bytes) => {
      waiting += bytes
      call.write(message, () => {
        waiting -= bytes
        if (waiting < maxBytes) wake?.()
      })
    },
    room: async (stopped) => {
      if (waiting < maxBytes || stopped.aborted || call.closed) return
      await new Promise<void>((resolve) => {
        const done = (): void => {
          wake = null
          call.off('close', done)
          stopped.removeEventListener('abort', done)
          resolve()
        }
        wake = done
        call.once('close', done)
        stopped.addEventListener('abort', done)
      })
    }
  }
}
