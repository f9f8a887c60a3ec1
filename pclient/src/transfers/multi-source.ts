// Downloads one file (or range) from several holders at once, piece by piece, and streams it in order.
//
// Each holder has a worker that takes the lowest piece nobody has yet, fetches it (fetch-pieces.ts:
// one Download call, verified against the piece hash before anything is handed on) and comes back for
// the next, so a faster holder simply takes more pieces (work stealing, not a fixed split). One piece
// at a time per holder measured best: a second one on the way (to hide the gap between pieces) made
// downloads from rate-capped holders no faster and took more memory. Pieces are
// taken only within a window ahead of the one the user is waiting for, so memory stays bounded however
// slow the user reads. When a holder fails (connection lost, no whole piece in time, a bad piece) it is
// dropped and its piece goes back to the others; when the last piece left is still out at a slow
// holder, idle workers fetch it too and the first good copy wins (BitTorrent's end game). Only when
// every holder is dropped does the download fail, and then the stream errors: the user never gets a
// complete-looking file with bytes missing. A whole-file download also checks the file's SHA-256
// before the last bytes leave.
import { Readable } from 'node:stream'
import type { Holder, LocatedFile, PeerFilesClient } from '@p2p/proto'
import { CancelledError, DataLossError, PeerUnreachableError } from '../errors.js'
import type { ClientError } from '../errors.js'
import { toHttpError } from '../error-mapping.js'
import type { TrackedDownload } from './download-tracker.js'
import { fetchPieceRange } from './fetch-pieces.js'
import { openHashJob } from './hasher.js'
import type { HashJob } from './hasher.js'
import type { PieceMap } from './piece-map.js'
import { coveringPieces } from './piece-plan.js'
import type { ByteRange } from './piece-plan.js'
import type { ConnectPeer, TransferLog } from './peer-connector.js'

/** Most pieces fetched or held ahead of the user's position (4 MiB each). */
export const MAX_PIECES_AHEAD = 8
/** Pieces requested from one holder at a time (the scheduler allows more; see the top of this file). */
const PIECES_IN_FLIGHT_PER_HOLDER = 1
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
}

interface Fetch {
  cancel: () => void
  startedAt: number
}

interface Worker {
  holder: Holder
  client: PeerFilesClient | null
  dropped: boolean
  /** The pieces this worker is fetching right now: a way to cancel each, and when it was asked for. */
  fetching: Map<number, Fetch>
}

/**
 * Starts the download and resolves with the verified bytes once the range's first piece is ready, so a
 * download that cannot start is an error before any byte is sent. Destroying the stream cancels every
 * call.
 */
export async function openMultiSourceDownload (options: MultiSourceOptions): Promise<Readable> {
  const { file, map, range, connectPeer, log, progress } = options
  const pieceTimeoutMs = options.pieceTimeoutMs ?? DEFAULT_PIECE_TIMEOUT_MS
  const pieces = coveringPieces(range, map.pieceSize)
  // Room for every lane's piece plus one finished piece per holder, so a fast holder is not held up by
  // a slow one until the user's position is a whole window behind.
  const window = Math.min(MAX_PIECES_AHEAD, (PIECES_IN_FLIGHT_PER_HOLDER + 1) * options.holders.length)
  const wholeFile = range.start === 0 && range.end === map.size
  // Each piece was verified as it arrived; this only hashes the whole content, in order.
  const wholeHash: HashJob | null = wholeFile ? openHashJob({ whole: true, pieces: false }) : null

  /** Pieces nobody has fetched yet, lowest first. */
  const queue: number[] = []
  for (let index = pieces.first; index < pieces.end; index++) queue.push(index)
  /** Verified pieces waiting for their turn. */
  const ready = new Map<number, Buffer[]>()
  /** The next piece the user gets. */
  let next = pieces.first
  let wanted = false
  let checkingWhole = false
  let over = false
  const workers: Worker[] = options.holders.map((holder) => ({ holder, client: null, dropped: false, fetching: new Map() }))

  let notify: (() => void) | null = null
  const changed = (): void => { const wake = notify; notify = null; wake?.() }
  /** Resolves at the next change, or after `ms`. */
  const somethingChanged = async (ms: number): Promise<void> => {
    let timer: NodeJS.Timeout | undefined
    await new Promise<void>((resolve) => {
      const prev = notify
      notify = () => { prev?.(); resolve() }
      timer = setTimeout(resolve, ms)
    })
    clearTimeout(timer)
  }

  let onStarted: { resolve: () => void, reject: (err: Error) => void } | null = null
  const started = new Promise<void>((resolve, reject) => { onStarted = { resolve, reject } })

  const body = new Readable({
    read () {
      wanted = true
      flush()
    },
    destroy (err, callback) {
      stop(err ?? null)
      callback(err)
    }
  })

  function stop (err: Error | null): void {
    if (over) return
    over = true
    for (const worker of workers) {
      for (const fetch of worker.fetching.values()) fetch.cancel()
      worker.client?.close()
    }
    wholeHash?.close()
    options.signal?.removeEventListener('abort', onAbort)
    ready.clear()
    progress?.finish(err ?? (next < pieces.end ? new Error('the download was cancelled') : null))
    changed()
  }

  function fail (err: ClientError): void {
    if (over) return
    if (onStarted != null) {
      onStarted.reject(err)
      onStarted = null
      stop(err)
      return
    }
    body.destroy(err)
  }

  /** Hands on the ready pieces in order while the reader wants more. */
  function flush (): void {
    while (!over && wanted && !checkingWhole && ready.has(next)) {
      const chunks = ready.get(next) ?? []
      if (wholeHash != null) for (const chunk of chunks) wholeHash.update(chunk)
      if (wholeHash != null && next === pieces.end - 1) {
        checkWholeThenSend(wholeHash, chunks)
        return
      }
      ready.delete(next)
      next++
      send(chunks)
    }
    changed()
  }

  function send (chunks: Buffer[]): void {
    for (const chunk of chunks) {
      progress?.sent(chunk.length)
      if (!body.push(chunk)) wanted = false
    }
    if (next === pieces.end) {
      body.push(null)
      stop(null)
    }
  }

  function checkWholeThenSend (hash: HashJob, chunks: Buffer[]): void {
    checkingWhole = true
    hash.wholeDigest().then((digest) => {
      if (over) return
      if (digest !== map.sha256) {
        fail(new DataLossError(`'${file.name}': the pieces put together have SHA-256 ${digest}, not ${map.sha256}`))
        return
      }
      ready.delete(next)
      next++
      send(chunks)
    }, (err: unknown) => { fail(toHttpError(err)) })
  }

  /**
   * The lowest queued piece within the window or, when none can be taken, the piece the user waits
   * for if it is out at another holder and late: at once when nothing is left in the queue (end game),
   * else once it has taken twice as long as pieces usually take (a slow or stalled holder holds the
   * window up). Whichever holder delivers it first wins. Waiting that long before racing a piece
   * keeps holders from spending their bandwidth on copies nobody needs.
   */
  function takePiece (worker: Worker): number | null {
    const queued = queue[0]
    if (queued != null && queued < next + window) {
      queue.shift()
      return queued
    }
    if (ready.has(next) || worker.fetching.has(next)) return null
    const startedAt = Math.min(...workers.map((other) => other.fetching.get(next)?.startedAt ?? Infinity))
    if (startedAt === Infinity) return null
    const late = queued == null || performance.now() - startedAt > 2 * typicalPieceMs
    return late ? next : null
  }

  /** How long a piece usually takes, from the pieces fetched so far (a moving average). */
  let typicalPieceMs = 1000
  function recordPieceTime (ms: number): void {
    typicalPieceMs = 0.8 * typicalPieceMs + 0.2 * ms
  }

  /** The verified bytes of piece `index` from this worker's holder; null when it was cancelled (another holder was first). */
  async function fetchPiece (worker: Worker, index: number): Promise<Buffer[] | null> {
    worker.client ??= connectPeer(worker.holder.grpcAddress, file.ticket == null ? {} : { ticket: file.ticket })
    let verified: Readable | null = null
    let cancelled = false
    const abort = new AbortController()
    const startedAt = performance.now()
    worker.fetching.set(index, { cancel: () => { cancelled = true; abort.abort(); verified?.destroy() }, startedAt })
    try {
      verified = await fetchPieceRange({ client: worker.client, peerId: worker.holder.peerId, map }, { first: index, end: index + 1 }, {
        keep: range, firstPieceTimeoutMs: pieceTimeoutMs, signal: abort.signal
      })
      if (cancelled) return null
      const chunks: Buffer[] = []
      for await (const chunk of verified) chunks.push(chunk as Buffer)
      if (cancelled) return null
      recordPieceTime(performance.now() - startedAt)
      return chunks
    } catch (err) {
      if (cancelled) return null
      throw err
    } finally {
      verified?.destroy()
      worker.fetching.delete(index)
    }
  }

  async function run (worker: Worker): Promise<void> {
    while (!over && !worker.dropped) {
      if (next >= pieces.end) return
      const index = takePiece(worker)
      if (index == null) {
        // Woken by any change, or in a while to see whether the awaited piece has become late.
        await somethingChanged(Math.min(1000, Math.max(50, typicalPieceMs / 2)))
        continue
      }
      try {
        const chunks = await fetchPiece(worker, index)
        if (over) return
        // Null: this fetch was cancelled (its holder dropped, or another holder was first); nothing to keep.
        if (chunks == null) continue
        if (index >= next && !ready.has(index)) {
          ready.set(index, chunks)
          progress?.pieceFrom(worker.holder.peerId, chunks.reduce((sum, chunk) => sum + chunk.length, 0))
          if (index === pieces.first && onStarted != null) {
            onStarted.resolve()
            onStarted = null
          }
        }
        // The same piece may still be out at another holder (end game): it is not needed any more.
        for (const other of workers) other.fetching.get(index)?.cancel()
        flush()
      } catch (err) {
        if (over) return
        drop(worker, index, toHttpError(err))
      }
    }
  }

  /** Puts pieces back in line, unless another holder has them already or is fetching them. */
  function requeue (pieces: Iterable<number>): void {
    for (const piece of pieces) {
      const elsewhere = workers.some((other) => other.fetching.has(piece))
      if (piece >= next && !ready.has(piece) && !elsewhere && !queue.includes(piece)) queue.push(piece)
    }
    queue.sort((a, b) => a - b)
    changed()
  }

  function drop (worker: Worker, index: number, err: ClientError): void {
    // The holder's other lane may fail on its own once the holder is dropped: its piece goes back too.
    if (worker.dropped) {
      requeue([index])
      return
    }
    worker.dropped = true
    const unfinished = [index, ...worker.fetching.keys()]
    for (const fetch of worker.fetching.values()) fetch.cancel()
    worker.fetching.clear()
    worker.client?.close()
    worker.client = null
    progress?.sourceFailed(worker.holder.peerId, err.message)
    requeue(unfinished)
    const left = workers.filter((other) => !other.dropped).length
    log?.warn({ file: file.name, peerId: worker.holder.peerId, piece: index, code: err.code, reason: err.message, holdersLeft: left },
      'holder dropped from the download; its pieces go to the others')
    if (left === 0) {
      const detail = `; the last one: ${err.message}`
      const error = err instanceof DataLossError
        ? new DataLossError(`no holder of '${file.name}' delivered piece ${index} intact${detail}`)
        : new PeerUnreachableError(`every holder of '${file.name}' failed before piece ${index} arrived${detail}`)
      fail(error)
      return
    }
    changed()
  }

  const { signal } = options
  const onAbort = (): void => { fail(new CancelledError(`the download of '${file.name}' was cancelled`)) }
  signal?.addEventListener('abort', onAbort, { once: true })
  if (signal?.aborted === true) onAbort()
  for (const worker of workers) {
    for (let lane = 0; lane < PIECES_IN_FLIGHT_PER_HOLDER; lane++) void run(worker)
  }
  if (pieces.first === pieces.end) {
    // An empty range: nothing to fetch. (Callers only come here with at least two pieces.)
    body.push(null)
    stop(null)
    return body
  }
  await started
  return body
}
