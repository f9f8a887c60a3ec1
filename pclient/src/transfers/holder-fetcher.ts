// One holder's part in a multi-source download: the gRPC client to it (opened on first use, closed
// when the holder is dropped) and the pieces it is fetching now, each of which can be cancelled when
// another holder was first. A piece is fetched with one Download call (fetch-pieces.ts) and verified
// against its hash before anything of it is handed back.
import type { Readable } from 'node:stream'
import { finished } from 'node:stream/promises'
import type { Holder, LocatedFile, PeerFilesClient } from '@p2p/proto'
import { fetchPieceRange } from './fetch-pieces.js'
import type { PieceMap } from './piece-map.js'
import type { ByteRange } from './piece-plan.js'
import type { ConnectPeer } from './peer-connector.js'

export interface HolderFetcherOptions {
  holder: Holder
  file: LocatedFile
  map: PieceMap
  /** The bytes the download delivers: a piece's bytes outside them are not kept. */
  keep: ByteRange
  connectPeer: ConnectPeer
  /** How long the holder may take to deliver one whole piece. */
  pieceTimeoutMs: number
}

export interface HolderFetcher {
  readonly holder: Holder
  /** The verified bytes of piece `index`; null when the fetch was cancelled. Rejects with the holder's failure. */
  fetch: (index: number) => Promise<Buffer[] | null>
  /** Cancels the fetch of piece `index`, if it is on its way. */
  cancel: (index: number) => void
  /** Cancels every fetch and closes the client (a later fetch connects again). */
  close: () => void
}

export function createHolderFetcher (options: HolderFetcherOptions): HolderFetcher {
  const { holder, file, map } = options
  // A promise, so that fetches started together share the one client however the connector answers.
  let client: Promise<PeerFilesClient> | null = null
  const cancels = new Map<number, () => void>()

  async function fetch (index: number): Promise<Buffer[] | null> {
    const connecting = client ??= Promise.resolve(options.connectPeer(holder.grpcAddress, file.ticket == null ? {} : { ticket: file.ticket }))
    let verified: Readable | null = null
    let cancelled = false
    const abort = new AbortController()
    const cancel = (): void => { cancelled = true; abort.abort(); verified?.destroy() }
    cancels.set(index, cancel)
    try {
      const connected = await connecting
      if (cancelled) return null
      verified = await fetchPieceRange({ client: connected, peerId: holder.peerId, map }, { first: index, end: index + 1 }, {
        keep: options.keep, firstPieceTimeoutMs: options.pieceTimeoutMs, signal: abort.signal
      })
      if (cancelled) return null
      // Chunk by chunk as the verifier pushes them: an async iterator would read() whatever is buffered,
      // which copies the piece's chunks into one buffer (measured: a tenth of the pclient's CPU).
      const chunks: Buffer[] = []
      verified.on('data', (chunk: Buffer) => { chunks.push(chunk) })
      await finished(verified)
      return cancelled ? null : chunks
    } catch (err) {
      if (cancelled) return null
      throw err
    } finally {
      verified?.destroy()
      if (cancels.get(index) === cancel) cancels.delete(index)
    }
  }

  return {
    holder,
    fetch,
    cancel: (index) => { cancels.get(index)?.() },
    close () {
      for (const cancel of cancels.values()) cancel()
      cancels.clear()
      void client?.then((connected) => { connected.close() }, () => {})
      client = null
    }
  }
}
