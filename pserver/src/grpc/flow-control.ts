// Gives the gRPC server a large HTTP/2 receive window, so an upload is not held to 64 KiB per round
// trip. grpc-js applies 'grpc-node.flow_control_window' to client channels only: its server keeps
// HTTP/2's 64 KiB default windows, which capped uploads at a fraction of loopback speed. There is no
// public hook, so this wraps the (private) method grpc-js builds its HTTP/2 servers with and tunes
// each session as it starts. If a grpc-js upgrade removes that method, nothing breaks: uploads are
// only slower again, and the unit test of this module fails to say so.
import type http2 from 'node:http2'
import type * as grpc from '@grpc/grpc-js'

interface Http2ServerFactory {
  createHttp2Server?: (this: grpc.Server, ...args: unknown[]) => http2.Http2Server
}

/**
 * True when the windows could be applied (the grpc-js internals are the ones this was written for).
 * `windowBytes` is the connection's, shared by its streams; `streamWindowBytes` each stream's, which is
 * also what an upload the pserver reads no further (its disk or hashing is behind) may have waiting
 * in memory: grpc-js pauses the stream, and the sender may still fill the window.
 */
export function enlargeServerReceiveWindow (server: grpc.Server, windowBytes: number, streamWindowBytes = windowBytes): boolean {
  const internals = server as unknown as Http2ServerFactory
  const original = internals.createHttp2Server
  if (typeof original !== 'function') return false
  internals.createHttp2Server = function (this: grpc.Server, ...args: unknown[]) {
    const http2Server = original.apply(this, args)
    http2Server.on('session', (session: http2.ServerHttp2Session) => {
      try {
        // Per stream (announced in SETTINGS) and for the whole connection (a WINDOW_UPDATE).
        session.settings({ initialWindowSize: streamWindowBytes })
        session.setLocalWindowSize(windowBytes)
      } catch {
        // The session closed before it could be tuned: nothing to do.
      }
    })
    return http2Server
  }
  return true
}
