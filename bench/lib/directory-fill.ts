// Fills a central's directory through its real, signed API: each fake peer registers with its whole
// file list, signed as itself, a few registrations in flight at a time. Timed on its own.
import { createCentralClient } from '@p2p/proto'
import type { DirectoryShape } from './directory-content.js'
import { peerIdOf, registrationOf } from './directory-content.js'

/** Registrations in flight at once: enough to keep one central busy, few enough not to queue for long. */
const FILL_CONCURRENCY = 8
/** One registration may wait this long on a central that slows down as it fills, before the fill fails. */
const REGISTRATION_TIMEOUT_MS = 120_000

export interface FillResult {
  seconds: number
  holdingsPerSecond: number
}

export async function fillDirectory (baseUrl: string, key: Uint8Array, shape: DirectoryShape, onProgress: (done: number) => void): Promise<FillResult> {
  const started = process.hrtime.bigint()
  let next = 0
  let done = 0
  const worker = async (): Promise<void> => {
    for (let index = next++; index < shape.peers; index = next++) {
      const client = createCentralClient({ baseUrl, timeoutMs: REGISTRATION_TIMEOUT_MS, signer: { id: peerIdOf(index), key } })
      await client.register(registrationOf(shape, index))
      done++
      if (done % Math.max(1, Math.floor(shape.peers / 10)) === 0) onProgress(done)
    }
  }
  await Promise.all(Array.from({ length: FILL_CONCURRENCY }, worker))
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  return { seconds, holdingsPerSecond: (shape.peers * shape.filesPerPeer) / seconds }
}
