// One `p2p put`: asks the peer whether the upload would be accepted (GET /api/upload-check), then
// streams the file from disk as the page's form does (POST /upload_file/, multipart field `file`),
// hashing it on the way, and checks the SHA-256 the network stored against its own. Never whole in
// memory. Aborting the request (Ctrl-C) cuts the body short: the peer then never gets the upload's
// end message and discards the bytes, so nothing becomes visible.
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import https from 'node:https'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { z } from 'zod'
import { nodeHttp } from '@p2p/proto/runtime'
import { CliError, ExitCode } from './exit-codes.js'
import type { Output } from './output.js'
import { answerError } from './peer-api.js'
import type { PeerApi } from './peer-api.js'
import { rateLimit } from './rate-limit.js'

/** The upload route's 201 answer (deleteToken: when the network can delete files). */
export const uploadAnswerSchema = z.object({
  name: z.string(),
  size: z.number(),
  sha256: z.string(),
  peers: z.array(z.string()),
  copies: z.number(),
  replicationFactor: z.number().nullable(),
  deleteToken: z.string().optional()
}).passthrough()
export type UploadAnswer = z.infer<typeof uploadAnswerSchema>

export interface UploadRequest { file: string, name: string, signal: AbortSignal, bytesPerSecond?: number }

/** A file's size, or a CliError that says why it cannot be sent. */
export async function localFileSize (file: string): Promise<number> {
  const info = await stat(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new CliError(ExitCode.NotFound, `${file} does not exist`)
    throw new CliError(ExitCode.Failed, `cannot read ${file}: ${err.message}`)
  })
  if (!info.isFile()) throw new CliError(ExitCode.Failed, `${file} is not a regular file`)
  return info.size
}

// RFC 7578: the name as a UTF-8 quoted string, with the three characters that would end the header
// or the string percent-encoded (as browsers do).
function multipartFraming (name: string, boundary: string): { head: Buffer, tail: Buffer } {
  const quoted = name.replace(/[\r\n"]/g, (c) => encodeURIComponent(c))
  return {
    head: Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted}"\r\nContent-Type: application/octet-stream\r\n\r\n`, 'utf8'),
    tail: Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')
  }
}

export async function uploadFile ({ api, output }: { api: PeerApi, output: Output }, request: UploadRequest): Promise<UploadAnswer> {
  const { file, name, signal } = request
  const size = await localFileSize(file)
  await api.json(`api/upload-check?${new URLSearchParams({ name, size: String(size) }).toString()}`, z.object({ name: z.string() }), { signal })

  const boundary = `p2p-${randomBytes(12).toString('hex')}`
  const { head, tail } = multipartFraming(name, boundary)
  const hash = createHash('sha256')
  const transfer = output.transfer(name, size, 0)
  const counted = new Transform({
    transform (chunk: Buffer, _encoding, done) {
      hash.update(chunk)
      transfer.advance(chunk.length)
      done(null, chunk)
    }
  })
  const url = new URL('upload_file/', api.baseUrl)
  const send = url.protocol === 'https:' ? https.request : nodeHttp.request
  const outgoing = send(url, {
    method: 'POST',
    signal,
    headers: {
      accept: 'application/json',
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + size + tail.length)
    }
  })
  // Errors also reach the pipeline and the answer below; this keeps a late one from crashing the process.
  outgoing.on('error', () => {})
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    outgoing.once('response', resolve)
    outgoing.once('error', reject)
  })
  async function * body (): AsyncGenerator<Buffer> {
    yield head
    for await (const chunk of createReadStream(file).pipe(rateLimit(request.bytesPerSecond)).pipe(counted)) yield chunk as Buffer
    yield tail
  }
  try {
    // The peer may answer (a refusal) before the body is all sent: the answer wins over a broken pipe.
    const sent = pipeline(Readable.from(body()), outgoing).catch((err: unknown) => err)
    const incoming = await answered
    const response = new Response(Readable.toWeb(incoming) as ReadableStream<Uint8Array>, { status: incoming.statusCode ?? 500, statusText: incoming.statusMessage ?? '' })
    if (response.status !== 201) throw await answerError(response, `uploading ${file} as '${name}'`)
    await sent
    const answer = uploadAnswerSchema.safeParse(await response.json().catch(() => undefined))
    if (!answer.success) throw new CliError(ExitCode.Failed, `the peer's answer to the upload of '${name}' is not what a p2p web client answers`)
    const local = hash.digest('hex')
    if (answer.data.sha256 !== local) {
      throw new CliError(ExitCode.Integrity, `the network stored '${name}' with SHA-256 ${answer.data.sha256}, but ${file} has ${local}`)
    }
    return answer.data
  } catch (err) {
    outgoing.destroy()
    if (signal.aborted) throw new CliError(ExitCode.Interrupted, `interrupted: the upload of ${file} was cancelled and nothing was stored`)
    if (err instanceof CliError) throw err
    throw new CliError(ExitCode.Unreachable, `the upload of ${file} was cut off: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  } finally {
    transfer.stop()
  }
}
