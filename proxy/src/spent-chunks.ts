// Frees each chunk of an upstream's answer once the client's socket took it, instead of when V8's
// garbage collector gets to the small JS object over it (@p2p/proto's spent-buffers.ts). Node's HTTP
// parser gives every body chunk a buffer of its own (a copy of the socket's bytes; README, "CPU per
// byte"), and once http-proxy's pipe wrote it to the client nothing else reads it.
import type { Readable, Writable } from 'node:stream'
import { markSoleView, WrittenChunks } from '@p2p/proto/runtime'

/**
 * Watches `upstream`'s chunks on their way to `client`. Attached in the same turn as, and before, the
 * pipe that writes them (http-proxy's 'proxyRes' comes just before its pipe): this listener sees each
 * chunk just before the pipe writes it, so when it sees one, every chunk before it was written to
 * `client`, and WrittenChunks frees those that left Node. Checked at each chunk, and by WrittenChunks
 * when the client drains or finished.
 */
export function freeChunksOnceSent (upstream: Readable, client: Pick<Writable, 'writableLength' | 'on' | 'once'>): void {
  const written = new WrittenChunks(client)
  upstream.on('data', (chunk: Buffer) => {
    written.releaseSent()
    markSoleView(chunk)
    written.add(chunk)
  })
}
