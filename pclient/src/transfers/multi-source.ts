// Downloads one file (or range) from several holders at once, piece by piece, and streams it in order.
//
// Which piece each holder fetches, when a holder is dropped and when a late piece is fetched twice is
// decided by piece-scheduler.ts; this file runs those decisions: one fetch loop per holder
// (holder-fetcher.ts: one Download call per piece, verified before anything is handed on), the pieces
// pushed to the reader in order and only while it wants more (backpressure). Two pieces at a time per
// holder: against rate-capped holders one at a time was as fast (their token buckets refill in the
// gap between pieces), but a holder that is not capped (the page's own pserver, alone at first) left
// the gap of every request unused, so a second holder always looked worth taking on; with a second
// piece on the way one holder runs at its speed. A holder's second lane starts once its first piece
// came: at the start of a download spread over capped holders, each sends one piece at its whole rate
// (the first pieces come in order, in half the time two pieces sharing the rate take, and the reader
// starts sooner), and a holder that fails at once never had two pieces. Only when every holder is
// dropped does the download fail, and then the stream errors: the user never gets a complete-looking
// file with bytes missing. A whole-file download also checks the file's SHA-256 before the last bytes
// leave, unless the central vouched for the piece table (piece-map.ts).
import { Readable } from 'node:stream'
import type { Holder, LocatedFile } from '@p2p/proto'
import { CancelledError, DataLossError, PeerUnreachableError } from '../errors.js'
import type { ClientError } from '../errors.js'
import { toHttpError } from '../error-mapping.js'
import type { TrackedDownload } from './download-tracker.js'
import { openHashJob } from './hasher.js'
import type { HashJob } from './hasher.js'
import { createChangeSignal } from './change-signal.js'
import { createHolderFetcher } from './holder-fetcher.js'
import type { HolderFetcher } from './holder-fetcher.js'
import { checksWholeFile } from './piece-map.js'
import type { PieceMap } from './piece-map.js'
import { coveringPieces } from './piece-plan.js'
import type { ByteRange, PieceRange } from './piece-plan.js'
import { createPieceScheduler } from './piece-scheduler.js'
import type { HolderIndex, PieceScheduler } from './piece-scheduler.js'
import type { ConnectPeer, TransferLog } from './peer-connector.js'

/** Most pieces fetched or held ahead of the user's position (4 MiB each). */
export const MAX_PIECES_AHEAD = 8
/** Pieces requested from one holder at a time (the scheduler allows more; see the top of this file). */
const PIECES_IN_FLIGHT_PER_HOLDER = 2
/** How long a holder may take to deliver one whole piece before it is dropped (default). */
export const DEFAULT_PIECE_TIMEOUT_MS = 30_000

export interface MultiSourceOptions {
  file: LocatedFile
  map: PieceMap
  /** The bytes to deliver; piece-aligned or not. */
  range: ByteRange
  holders: readonly Holder[]
  connectPeer: ConnectPeer
  log?: TransferLog
  pieceTimeoutMs?: number
  progress?: TrackedDownload
  /** Aborting stops every fetch, also before the first piece arrived. */
  signal?: AbortSignal
  /**
   * Every holder at work from the start (the one streamed from was slower than the reader), rather
   * than the first alone; either way the others are let go when they do not pay.
   */
  allHoldersAtFirst?: boolean
  /**
   * The whole file's hashing job so far, when this download continues one that streamed the pieces
   * before `range` (stream-first.ts): it goes on hashing the rest, in order, and is closed here.
   */
  wholeHash?: HashJob
}

/**
 * Starts the download and resolves with the verified bytes once the range's first piece is ready, so a
 * download that cannot start is an error before any byte is sent. Destroying the stream cancels every
 * call.
 */
export async function openMultiSourceDownload (options: MultiSourceOptions): Promise<Readable> {
  return await new MultiSourceDownload(options).start()
}

type Chunks = Buffer[]

class MultiSourceDownload {
  readonly #options: MultiSourceOptions
  readonly #pieces: PieceRange
  readonly #scheduler: PieceScheduler<Chunks>
  readonly #fetchers: HolderFetcher[]
  /** Lanes started per holder (see the top of this file). */
  readonly #lanes: number[] = []
  /** Each piece was verified as it arrived; this only hashes the whole content, in order (none when not checked). */
  readonly #wholeHash: HashJob | null
  readonly #changes = createChangeSignal()
  readonly #body: Readable
  readonly #started: Promise<void>
  #onStarted: { resolve: () => void, reject: (err: Error) => void } | null = null
  /** The reader asked for more than it has. */
  #wanted = false
  /** The last piece waits for the whole file's SHA-256. */
  #checkingWhole = false
  #over = false

  constructor (options: MultiSourceOptions) {
    const { file, map, range, holders } = options
    this.#options = options
    this.#pieces = coveringPieces(range, map.pieceSize)
    this.#scheduler = createPieceScheduler<Chunks>({
      pieces: this.#pieces,
      holders: holders.length,
      // The first holder (the peer's own pserver when it holds the file) alone at first; the others
      // only while they make the download faster (holder-set.ts).
      startHolders: options.allHoldersAtFirst === true ? holders.length : 1,
      adaptive: true,
      startedAt: performance.now(),
      // Room for every lane's piece plus one finished piece per holder at work, so a fast holder is not
      // held up by a slow one until the user's position is a whole window behind.
      window: MAX_PIECES_AHEAD,
      windowPerHolder: PIECES_IN_FLIGHT_PER_HOLDER + 1
    })
    const pieceTimeoutMs = options.pieceTimeoutMs ?? DEFAULT_PIECE_TIMEOUT_MS
    this.#fetchers = holders.map((holder) => createHolderFetcher({ holder, file, map, keep: range, connectPeer: options.connectPeer, pieceTimeoutMs }))
    this.#wholeHash = options.wholeHash ?? (checksWholeFile(map, this.#pieces) ? openHashJob({ whole: true, pieces: false }) : null)
    this.#started = new Promise<void>((resolve, reject) => { this.#onStarted = { resolve, reject } })
    this.#body = new Readable({
      read: () => {
        this.#wanted = true
        this.#scheduler.readerFull(false, performance.now())
        this.#flush()
      },
      destroy: (err, callback) => {
        this.#stop(err ?? null)
        callback(err)
      }
    })
  }

  async start (): Promise<Readable> {
    const { signal } = this.#options
    signal?.addEventListener('abort', this.#onAbort, { once: true })
    if (signal?.aborted === true) this.#onAbort()
    for (const holder of this.#fetchers.keys()) this.#startLane(holder)
    if (this.#pieces.first === this.#pieces.end) {
      // An empty range: nothing to fetch. (Callers only come here with at least two pieces.)
      this.#body.push(null)
      this.#stop(null)
      return this.#body
    }
    await this.#started
    return this.#body
  }

  readonly #onAbort = (): void => {
    this.#fail(new CancelledError(`the download of '${this.#options.file.name}' was cancelled`))
  }

  /** Starts one more lane of `holder`, up to PIECES_IN_FLIGHT_PER_HOLDER. */
  #startLane (holder: HolderIndex): void {
    const fetcher = this.#fetchers[holder]
    if (fetcher == null || (this.#lanes[holder] ?? 0) >= PIECES_IN_FLIGHT_PER_HOLDER) return
    this.#lanes[holder] = (this.#lanes[holder] ?? 0) + 1
    void this.#run(holder, fetcher)
  }

  /** One lane of one holder: fetches the pieces the scheduler gives it until the download is over or the holder dropped. */
  async #run (holder: HolderIndex, fetcher: HolderFetcher): Promise<void> {
    const scheduler = this.#scheduler
    while (!this.#over && !scheduler.isDropped(holder)) {
      if (scheduler.finished) return
      const index = scheduler.assign(holder, performance.now())
      if (index == null) {
        // Woken by any change, or in a while to see whether the awaited piece has become late.
        await this.#changes.wait(scheduler.idleWaitMs())
        continue
      }
      try {
        const chunks = await fetcher.fetch(index)
        if (this.#over) return
        // Null: this fetch was cancelled (its holder dropped, or another holder was first); nothing to keep.
        if (chunks == null) continue
        this.#arrived(holder, fetcher, index, chunks)
        this.#startLane(holder)
      } catch (err) {
        if (this.#over) return
        this.#drop(holder, fetcher, index, toHttpError(err))
      }
    }
  }

  #arrived (holder: HolderIndex, fetcher: HolderFetcher, index: number, chunks: Chunks): void {
    const { kept, redundant } = this.#scheduler.arrived(holder, index, chunks, performance.now())
    if (kept) {
      this.#options.progress?.pieceFrom(fetcher.holder.peerId, chunks.reduce((sum, chunk) => sum + chunk.length, 0))
      if (index === this.#pieces.first && this.#onStarted != null) {
        this.#onStarted.resolve()
        this.#onStarted = null
      }
    }
    // The same piece may still be out at another holder (end game): it is not needed any more.
    for (const other of redundant) this.#fetchers[other]?.cancel(index)
    this.#flush()
  }

  #drop (holder: HolderIndex, fetcher: HolderFetcher, index: number, err: ClientError): void {
    const { file, log, progress } = this.#options
    const failure = this.#scheduler.failed(holder, index)
    // The holder's other lane may fail on its own once the holder is dropped: its piece went back too.
    if (!failure.dropped) {
      this.#changes.notify()
      return
    }
    // Its other pieces went back in line with the failed one; their fetches stop here.
    fetcher.close()
    progress?.sourceFailed(fetcher.holder.peerId, err)
    log?.warn({ file: file.name, peerId: fetcher.holder.peerId, piece: index, code: err.code, reason: err.message, holdersLeft: failure.holdersLeft },
      'holder dropped from the download; its pieces go to the others')
    if (failure.holdersLeft === 0) {
      const detail = `; the last one: ${err.message}`
      this.#fail(err instanceof DataLossError
        ? new DataLossError(`no holder of '${file.name}' delivered piece ${index} intact${detail}`)
        : new PeerUnreachableError(`every holder of '${file.name}' failed before piece ${index} arrived${detail}`))
      return
    }
    this.#changes.notify()
  }

  /** Hands on the ready pieces in order while the reader wants more. */
  #flush (): void {
    const scheduler = this.#scheduler
    while (!this.#over && this.#wanted && !this.#checkingWhole) {
      const chunks = scheduler.nextReady()
      if (chunks == null) break
      const hash = this.#wholeHash
      if (hash != null) for (const chunk of chunks) hash.update(chunk)
      if (hash != null && scheduler.next === this.#pieces.end - 1) {
        this.#checkWholeThenSend(hash, chunks)
        return
      }
      scheduler.handedOn()
      this.#send(chunks)
    }
    this.#changes.notify()
  }

  #send (chunks: Chunks): void {
    for (const chunk of chunks) {
      this.#options.progress?.sent(chunk.length)
      if (!this.#body.push(chunk) && this.#wanted) {
        this.#wanted = false
        this.#scheduler.readerFull(true, performance.now())
      }
    }
    if (this.#scheduler.finished) {
      this.#body.push(null)
      this.#stop(null)
    }
  }

  #checkWholeThenSend (hash: HashJob, chunks: Chunks): void {
    const { file, map } = this.#options
    this.#checkingWhole = true
    hash.wholeDigest().then((digest) => {
      if (this.#over) return
      if (digest !== map.sha256) {
        this.#fail(new DataLossError(`'${file.name}': the pieces put together have SHA-256 ${digest}, not ${map.sha256}`))
        return
      }
      this.#scheduler.handedOn()
      this.#send(chunks)
    }, (err: unknown) => { this.#fail(toHttpError(err)) })
  }

  #fail (err: ClientError): void {
    if (this.#over) return
    if (this.#onStarted != null) {
      this.#onStarted.reject(err)
      this.#onStarted = null
      this.#stop(err)
      return
    }
    this.#body.destroy(err)
  }

  #stop (err: Error | null): void {
    if (this.#over) return
    this.#over = true
    for (const fetcher of this.#fetchers) fetcher.close()
    this.#wholeHash?.close()
    this.#options.signal?.removeEventListener('abort', this.#onAbort)
    this.#scheduler.forget()
    this.#options.progress?.finish(err ?? (this.#scheduler.finished ? null : new Error('the download was cancelled')))
    this.#changes.notify()
  }
}
