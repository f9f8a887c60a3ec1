// Bounds the two waits on the upstream that no byte flow measures: connecting, and, once the whole
// request has gone out, the wait for the answer's headers. An upstream that accepts the connection and
// then says nothing (a stopped process, whose connections the kernel still accepts) would otherwise
// hold the client until the idle timeout, minutes later. Transfers themselves are not bounded here:
// a long upload is still sending (the answer wait starts only after its last byte), and a long
// download has already answered.
import type { ClientRequest } from 'node:http'
import { UpstreamTimeoutError } from './errors.js'

export interface UpstreamTimeouts {
  connectTimeoutMs: number
  answerTimeoutMs: number
}

/** Destroys `upstreamRequest` with an UpstreamTimeoutError when either wait runs over. */
export function limitUpstreamWaits (upstreamRequest: ClientRequest, limits: UpstreamTimeouts): void {
  const timers: NodeJS.Timeout[] = []
  const limit = (phase: 'connect' | 'answer', ms: number): NodeJS.Timeout => {
    const timer = setTimeout(() => { upstreamRequest.destroy(new UpstreamTimeoutError(phase, ms)) }, ms)
    timers.push(timer)
    return timer
  }
  let answered = false
  upstreamRequest.once('response', () => {
    answered = true
    for (const timer of timers) clearTimeout(timer)
  })
  upstreamRequest.once('close', () => { for (const timer of timers) clearTimeout(timer) })

  // A kept-alive socket is connected already; a new one is bounded until it connects.
  const socket = upstreamRequest.socket
  if (socket?.connecting === true) {
    const connecting = limit('connect', limits.connectTimeoutMs)
    socket.once('connect', () => { clearTimeout(connecting) })
  }
  // 'finish': the last byte of the request (headers and body) went to the socket. An upstream that
  // answered early (refusing an upload before its body) has answered already.
  upstreamRequest.once('finish', () => { if (!answered) limit('answer', limits.answerTimeoutMs) })
}
