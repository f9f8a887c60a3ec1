// Frees each chunk of a body the proxy relays once the socket it goes to took it: an upstream's answer
// on its way to the client, and a request's body on its way to the upstream. Not when V8's garbage
// collector gets to the small JS object over it (@p2p/proto's spent-buffers.ts). Node's HTTP parser
// gives every body chunk a buffer of its own (a copy of the socket's bytes; README, "CPU per byte"),
// and once http-proxy's pipe wrote it on nothing else reads it (a request's body goes to one upstream
// only: the failover tries another only with a body not read yet).
import type { Readable, Writable } from 'node:stream'
import { markSoleView, WrittenChunks } from '@p2p/proto/runtime'

/**
 * Watches `source`'s chunks on their way to `destination`, through a pipe set up in the same turn,
 * before or after this (http-proxy's 'proxyRes' comes just before its pipe of the answer, 'proxyReq'
 * after its pipe of the request's body). When this listener sees a chunk, every chunk before it was
 * written to `destination`, and WrittenChunks frees those that left Node; the chunk itself is added
 * only after that check, so should the pipe have written it already, its bytes still waiting in
 * `destination` hold the estimate back, never forward. Checked at each chunk, and by WrittenChunks
 * when `destination` drains or finished.
 */
export function freeChunksOnceSent (source: Readable, destination: Pick<Writable, 'writableLength' | 'on' | 'once'>): void {
  const written = new WrittenChunks(destination)
  source.on('data', (chunk: Buffer) => {
    written.releaseSent()
    markSoleView(chunk)
    written.add(chunk)
  })
}
