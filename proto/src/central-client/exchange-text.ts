// One HTTP exchange with the central, its answer read whole as text (the central's answers are small
// JSON). node:http rather than fetch(): fetch() parses with undici's WebAssembly build of llhttp, which
// V8 compiles with its optimizing compiler once the calls are frequent (a pserver's first heartbeat),
// and about 10 MiB of the compiler's scratch memory then stays in a thread's malloc arena for good
// (docs/performance.md, "A quiet service's heap, and the first heartbeat"); node:http's parser is
// native code.
import { request as httpsRequest } from 'node:https'
import { nodeHttp } from '../runtime/node-http.js'

export interface TextExchange {
  method: string
  headers: Record<string, string>
  body?: string
  /** Aborting destroys the connection, before or during the answer. */
  signal: AbortSignal
}

export interface TextAnswer {
  status: number
  text: string
}

/** Rejects when the central cannot be reached, the signal aborts, or the answer ends early. */
export async function exchangeText (url: string, exchange: TextExchange): Promise<TextAnswer> {
  const target = new URL(url)
  const send = target.protocol === 'https:' ? httpsRequest : nodeHttp.request
  const headers = exchange.body === undefined ? exchange.headers : { ...exchange.headers, 'content-length': String(Buffer.byteLength(exchange.body)) }
  return await new Promise<TextAnswer>((resolve, reject) => {
    const request = send(target, { method: exchange.method, headers, signal: exchange.signal }, (response) => {
      response.setEncoding('utf8')
      let text = ''
      response.on('data', (chunk: string) => { text += chunk })
      response.once('end', () => { resolve({ status: response.statusCode ?? 0, text }) })
      response.once('error', reject)
      response.once('close', () => {
        if (!response.complete) reject(new Error(`the answer to ${exchange.method} ${target.pathname} ended before its end`))
      })
    })
    request.once('error', reject)
    request.end(exchange.body)
  })
}
