// One `p2p get`: a file from the network into `<target>.part`, renamed to `<target>` only once every
// byte arrived and the whole content matched the SHA-256 the peer states. `resume` continues a .part
// with Range, and If-Range with the entity tag it was fetched under, so bytes of another content are
// never appended. An interrupted or cut-off download keeps its .part for `p2p get -c`.
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { rename, stat, unlink } from 'node:fs/promises'
import { Readable, Transform } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { pipeline } from 'node:stream/promises'
import { formatBytes } from '@p2p/proto/directory'
import { CliError, ExitCode } from './exit-codes.js'
import { classifyCutOff } from './cut-off.js'
import type { Output } from './output.js'
import type { PartialValidators } from './partial-validators.js'
import { answerError } from './peer-api.js'
import type { PeerApi } from './peer-api.js'
import { rateLimit } from './rate-limit.js'

export interface DownloadRequest {
  name: string
  /** Where the file goes; `<target>.part` while it arrives. */
  target: string
  resume: boolean
  force: boolean
  signal: AbortSignal
  /** --limit-rate */
  bytesPerSecond?: number
}

export interface DownloadResult {
  name: string
  size: number
  sha256: string
  path: string
  /** Bytes fetched this time (less than size when a .part was resumed). */
  received: number
  resumedFrom: number
  servedBy: string[]
}

export interface DownloadComponents {
  api: PeerApi
  output: Output
  validators: PartialValidators
}

async function sizeOf (file: string): Promise<number | null> {
  return await stat(file).then((info) => info.size, () => null)
}

async function refuseOverwrite (target: string, force: boolean): Promise<void> {
  if (!force && await sizeOf(target) != null) throw new CliError(ExitCode.Failed, `${target} already exists; pass --force to overwrite it`)
}

/** The SHA-256 so far of the first `length` bytes of a .part file being resumed. */
async function hashOfPrefix (file: string, length: number): Promise<ReturnType<typeof createHash>> {
  const hash = createHash('sha256')
  if (length > 0) await pipeline(createReadStream(file, { end: length - 1 }), async function * (source) { for await (const chunk of source) hash.update(chunk as Buffer) })
  return hash
}

export async function downloadFile ({ api, output, validators }: DownloadComponents, request: DownloadRequest): Promise<DownloadResult> {
  const { name, target, signal } = request
  await refuseOverwrite(target, request.force)
  const part = `${target}.part`
  const offset = request.resume ? await sizeOf(part) ?? 0 : 0
  const headers: Record<string, string> = {}
  if (offset > 0) {
    headers.range = `bytes=${offset}-`
    const etag = await validators.get(part)
    if (etag != null) headers['if-range'] = etag
  }
  const startedAt = Date.now()
  const response = await api.fetch(`download/${encodeURIComponent(name)}`, { headers, signal })
  if (response.status === 416 && offset > 0) {
    // The .part is as long as the file (or longer: another file's): fetch it whole again.
    await response.body?.cancel()
    return await downloadFile({ api, output, validators }, { ...request, resume: false })
  }
  if (!response.ok) throw await answerError(response, `downloading '${name}'`)
  const sha256 = response.headers.get('x-content-sha256') ?? ''
  const length = Number(response.headers.get('content-length'))
  // 200 to a range request: the content changed since the .part began (If-Range), so it starts over.
  const from = response.status === 206 ? offset : 0
  if (offset > 0 && from === 0) output.note(`${name}: the file changed since ${part} was started; downloading it whole`)
  const size = from + length
  const hash = await hashOfPrefix(part, from)
  const transfer = output.transfer(name, size, from)
  let received = 0
  const counted = new Transform({
    transform (chunk: Buffer, _encoding, done) {
      hash.update(chunk)
      received += chunk.length
      transfer.advance(chunk.length)
      done(null, chunk)
    }
  })
  try {
    if (response.body == null) throw new Error('the answer has no body')
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), rateLimit(request.bytesPerSecond), counted, createWriteStream(part, { flags: from > 0 ? 'a' : 'w' }), { signal })
    if (received !== length) throw new Error(`the answer ended after ${received} of ${length} bytes`)
  } catch (err) {
    transfer.stop()
    const etag = response.headers.get('etag')
    if (etag != null) await validators.set(part, etag)
    const kept = `${formatBytes(from + received)} of ${formatBytes(size)} kept in ${part}`
    if (signal.aborted) throw new CliError(ExitCode.Interrupted, `interrupted: ${kept}; run \`p2p get -c ${name}\` to resume`)
    throw await classifyCutOff(api, { name, startedAt, kept, cause: err })
  }
  transfer.stop()
  const actual = hash.digest('hex')
  if (actual !== sha256) {
    // Some byte is wrong, and nothing says which: resuming would keep it, so the .part goes too.
    await unlink(part).catch(() => {})
    await validators.set(part, null)
    throw new CliError(ExitCode.Integrity, `the download of '${name}' does not match its SHA-256 (expected ${sha256}, got ${actual}); nothing was kept`)
  }
  await refuseOverwrite(target, request.force)
  await rename(part, target)
  if (request.resume) await validators.set(part, null)
  const servedBy = (response.headers.get('x-served-by') ?? '').split(',').map((id) => id.trim()).filter((id) => id !== '')
  return { name, size, sha256, path: target, received, resumedFrom: from, servedBy }
}
