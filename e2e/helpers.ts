// Helpers shared by the end-to-end tests: a real network in a temp folder, files on disk, uploads
// and downloads through the peers' web pages, and bounded polling.
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream, openAsBlob } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { once } from 'node:events'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { PIECE_BYTES, pieceTableDigest } from '@p2p/proto'
import { EPHEMERAL_PORTS, startLocalNetwork } from '../scripts/lib/local-network.js'
import type { LocalNetwork, LocalNetworkOptions } from '../scripts/lib/local-network.js'

export interface TestNetwork extends LocalNetwork {
  root: string
  teardown: () => Promise<void>
}

export async function startTestNetwork (options: Omit<LocalNetworkOptions, 'dataRoot' | 'ports'>): Promise<TestNetwork> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'p2p-e2e-'))
  const network = await startLocalNetwork({ ...options, dataRoot: root, ports: EPHEMERAL_PORTS, logLevel: 'info' })
  return {
    ...network,
    root,
    teardown: async () => {
      await network.stop()
      await rm(root, { recursive: true, force: true })
    }
  }
}

/** Writes `bytes` random bytes to a new file in `dir`, a MiB at a time, and returns its path and sha256. */
export async function makeRandomFile (dir: string, name: string, bytes: number): Promise<{ path: string, sha256: string }> {
  const filePath = path.join(dir, name)
  const hash = createHash('sha256')
  const out = createWriteStream(filePath)
  for (let left = bytes; left > 0; left -= 1024 * 1024) {
    const chunk = randomBytes(Math.min(left, 1024 * 1024))
    hash.update(chunk)
    if (!out.write(chunk)) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
  return { path: filePath, sha256: hash.digest('hex') }
}

export async function sha256OfFile (filePath: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(filePath), hash)
  return hash.digest('hex')
}

/** The SHA-256 of a file's piece table (what the central records beside its SHA-256), from its bytes, a piece at a time. */
export async function pieceTableDigestOfFile (filePath: string): Promise<string> {
  const pieces: Buffer[] = []
  let piece = createHash('sha256')
  let inPiece = 0
  for await (const chunk of createReadStream(filePath)) {
    for (let at = 0; at < (chunk as Buffer).length;) {
      const take = Math.min((chunk as Buffer).length - at, PIECE_BYTES - inPiece)
      piece.update((chunk as Buffer).subarray(at, at + take))
      at += take
      inPiece += take
      if (inPiece === PIECE_BYTES) {
        pieces.push(piece.digest())
        piece = createHash('sha256')
        inPiece = 0
      }
    }
  }
  if (inPiece > 0) pieces.push(piece.digest())
  return pieceTableDigest(PIECE_BYTES, pieces)
}

/** Uploads a file from disk through a peer's page as a browser form would (multipart field `file`), streamed. */
export async function uploadThroughPage (pageUrl: string, filePath: string, name: string, accept = 'application/json'): Promise<Response> {
  const form = new FormData()
  form.append('file', await openAsBlob(filePath), name)
  return await fetch(`${pageUrl}/upload_file/`, { method: 'POST', body: form, headers: { accept }, redirect: 'manual' })
}

/** Downloads through a peer's page, hashing as the bytes arrive (nothing held whole). */
export async function downloadThroughPage (pageUrl: string, name: string): Promise<{ response: Response, sha256: string, bytes: number }> {
  const response = await fetch(`${pageUrl}/download/${encodeURIComponent(name)}`)
  const hash = createHash('sha256')
  let bytes = 0
  if (response.body != null) {
    for await (const chunk of Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>)) {
      bytes += (chunk as Buffer).length
      hash.update(chunk as Buffer)
    }
  }
  return { response, sha256: hash.digest('hex'), bytes }
}

export async function getJson<T> (url: string): Promise<T> {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`)
  return await response.json() as T
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T> (what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  while (Date.now() < deadline) {
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch (err) {
      lastError = err
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError != null ? `: ${String(lastError)}` : ''}`)
}

/** Where a peer keeps uploads in progress (emptied at start). */
export function tmpDirOf (dataDir: string): string {
  return path.join(dataDir, 'tmp')
}

/** The on-disk path of the bytes a peer stores under `name` (through its name index), or null. */
export { storedPathOf } from '@p2p/pserver/stored-path'

