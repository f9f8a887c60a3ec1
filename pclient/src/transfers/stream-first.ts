// Downloads a file several peers hold by streaming it from the first of them (the peer's own pserver
// when it holds the file): one Download call, each piece verified as it arrives and one hashing job
// for the pieces (and the whole file, unless the central vouched for the piece table: piece-map.ts):
// the path that costs the fewest CPU cycles per byte. It spreads over every holder (multi-source.ts)
// only when the one it streams from is the bottleneck: at once when that holder tells a send cap in
// its answer's first headers (it is the bottleneck by its own word; should the user's connection be
// slower still, the multi-source download's letting-go trial lets the others go), when it is slow to
// send its first piece, or when the spread policy finds it the bottleneck (spread-policy.ts). When
// that holder fails midway the others fetch the rest. Either way the pieces already handed on stay
// handed on, and the whole file's hash (if it is checked) goes on from the last good piece: the job is
// rewound past a half-received piece and handed over.
import { Readable } from 'node:stream'
import type { Holder, LocatedFile, PeerFilesClient } from '@p2p/proto'
import type { ClientError } from '../errors.js'
import { toHttpError } from '../error-mapping.js'
import type { TrackedDownload } from './download-tracker.js'
import { fetchPieceRange } from './fetch-pieces.js'
import { openHashJob } from './hasher.js'
import type { HashJob } from './hasher.js'
import { openMultiSourceDownload } from './multi-source.js'
import { checksWholeFile } from './piece-map.js'
import type { PieceMap } from './piece-map.js'
import { coveringPieces } from './piece-plan.js'
import type { ByteRange, PieceRange } from './piece-plan.js'
import type { ConnectPeer, TransferLog } from './peer-connector.js'
import { createCpuHeadroomGauge } from './cpu-headroom.js'
import type { CpuHeadroomGauge } from './cpu-headroom.js'
import { createSpreadPolicy } from './spread-policy.js'
import type { SpreadPolicy } from './spread-policy.js'

/** A first piece slower than this: the holder is slow (or stalled), and the others share the work at once. */
export const FIRST_PIECE_SPREAD_MS = 2000

export interface StreamFirstOptions {
  file: LocatedFile
  map: PieceMap
  range: ByteRange
  /** Every holder, the one to stream from first. */
  holders: readonly Holder[]
  /** A client to holders[0]; closed when its stream ends. */
  client: PeerFilesClient
  connectPeer: ConnectPeer
  log?: TransferLog
  /** How long holders[0] may take to deliver its first verified piece before it counts as failed. */
  firstPieceTimeoutMs?: number
  pieceTimeoutMs?: number
  progress?: TrackedDownload
  signal?: AbortSignal
  /** Reads the CPU headroom (cpu-headroom.ts; tests pass their own). */
  cpuHeadroom?: CpuHeadroomGauge
}

/**
 * Resolves with the verified bytes once the first piece passed, or once the download was spread
 * because it did not come in time. Rejects when holders[0] fails before its first piece: the caller
 * tries the next holder.
 */
export async function openStreamFirstDownload (options: StreamFirstOptions): Promise<Readable> {
  const pieces = coveringPieces(options.range, options.map.pieceSize)
  const whole = checksWholeFile(options.map, pieces)
  return await new StreamFirstDownload(options, pieces, openHashJob({ whole }), whole).start()
}

class StreamFirstDownload {
  readonly #options: StreamFirstOptions
  readonly #pieces: PieceRange
  readonly #hash: HashJob
  readonly #whole: boolean
  readonly #policy: SpreadPolicy
  readonly #headroom: CpuHeadroomGauge
  readonly #body: Readable
  /** Where the bytes come from now: the stream, then (after a switch) the multi-source download. */
  #source: Readable | null = null
  #stream: Readable | null = null
  /** The first piece not yet verified from the stream. */
  #nextPiece: number
  /** The hashing job went to the multi-source download (or was closed). */
  #handedOver = false
  #switching = false

  constructor (options: StreamFirstOptions, pieces: PieceRange, hash: HashJob, whole: boolean) {
    this.#options = options
    this.#pieces = pieces
    this.#hash = hash
    this.#whole = whole
    this.#nextPiece = pieces.first
    this.#policy = createSpreadPolicy({ startedAt: performance.now() })
    this.#headroom = options.cpuHeadroom ?? createCpuHeadroomGauge()
    this.#body = new Readable({
      read: () => {
        this.#policy.readerFull(false, performance.now())
        this.#source?.resume()
      },
      destroy: (err, callback) => {
        this.#source?.destroy()
        this.#closeHash()
        // A multi-source download records its own end; the stream's is recorded here.
        if (this.#source == null || this.#source === this.#stream) {
          this.#options.progress?.finish(err ?? new Error('the download was cancelled'))
        }
        callback(err)
      }
    })
  }

  async start (): Promise<Readable> {
    const { client, holders, map, range, firstPieceTimeoutMs, signal } = this.#options
    const holder = holders[0]!
    let spreadEarly: NodeJS.Timeout | undefined
    // Stops the stream before its first piece when it is too slow (and with the user's signal): it
    // must not hash a byte more once the job went to the multi-source download.
    const stop = new AbortController()
    const userStopped = (): void => { stop.abort() }
    if (signal?.aborted === true) userStopped()
    signal?.addEventListener('abort', userStopped, { once: true })
    let toldCap: (bytesPerSecond: number) => void = () => {}
    const capped = new Promise<Error>((resolve) => {
      toldCap = (bytesPerSecond) => { resolve(new Error(`the holder sends at most ${Math.round(bytesPerSecond / 1024)} KiB/s`)) }
    })
    const streaming = fetchPieceRange({ client, peerId: holder.peerId, map }, this.#pieces, {
      keep: range,
      hash: this.#hash,
      onPiece: (index) => { this.#accepted(index) },
      onSendRate: (bytesPerSecond) => { toldCap(bytesPerSecond) },
      signal: stop.signal,
      ...(firstPieceTimeoutMs != null ? { firstPieceTimeoutMs } : {})
    })
    const slow = new Promise<Error>((resolve) => { spreadEarly = setTimeout(() => { resolve(new Error(`no first piece within ${FIRST_PIECE_SPREAD_MS} ms`)) }, FIRST_PIECE_SPREAD_MS) })
    try {
      const first = await Promise.race([streaming, slow, capped])
      if (first instanceof Error) {
        // The holders share the whole range; this one's stream stops at once (when it told its cap, in
        // its answer's first headers, before any byte of the file).
        stop.abort()
        streaming.catch(() => {})
        client.close()
        this.#stream = null
        this.#switching = true
        // Like the stream, the download answers once its first piece passed, or fails before any byte.
        await this.#openRest(first, 'spread')
        return this.#body
      }
      this.#stream = first
      first.once('close', () => { client.close() })
      this.#attach(first)
      return this.#body
    } catch (err) {
      client.close()
      this.#closeHash()
      throw err
    } finally {
      clearTimeout(spreadEarly)
      signal?.removeEventListener('abort', userStopped)
    }
  }

  /** A piece from the stream passed: it is counted, and may show that the holder is the bottleneck. */
  #accepted (index: number): void {
    this.#options.progress?.pieceFrom(this.#options.holders[0]!.peerId, 0, 1)
    this.#nextPiece = index + 1
    if (this.#switching || this.#options.holders.length < 2 || this.#pieces.end - this.#nextPiece < 2) return
    const judgement = this.#policy.pieceAccepted(performance.now(), this.#headroom)
    if (judgement == null) return
    this.#options.log?.debug({ file: this.#options.file.name, piece: index, ...judgement }, 'judged whether to spread the download')
    // After the piece's bytes were pushed (this runs just before).
    if (judgement.spread) setImmediate(() => { this.#switchFromStream('spread') })
  }

  /** Passes the source's bytes on, pausing it while the reader's buffer is full. */
  #attach (source: Readable): void {
    const fromStream = source === this.#stream
    const { progress, holders } = this.#options
    this.#source = source
    source.on('data', (chunk: Buffer) => { this.#deliver(chunk, fromStream) })
    source.once('end', () => {
      if (fromStream) progress?.finish(null)
      this.#closeHash()
      this.#body.push(null)
    })
    source.once('error', (err) => {
      // A peer that cancels (it is shutting down) is a failure like any other; only the user's cancelling is not.
      if (!fromStream || this.#body.destroyed || this.#options.signal?.aborted === true) {
        this.#body.destroy(err)
        return
      }
      progress?.sourceFailed(holders[0]!.peerId, toHttpError(err))
      this.#switchFromStream('failover', toHttpError(err))
    })
  }

  #deliver (chunk: Buffer, fromStream: boolean): void {
    // The multi-source download counts what it hands on itself.
    if (fromStream) {
      this.#options.progress?.sent(chunk.length)
      this.#options.progress?.pieceFrom(this.#options.holders[0]!.peerId, chunk.length, 0)
    }
    if (!this.#body.push(chunk)) {
      this.#source?.pause()
      this.#policy.readerFull(true, performance.now())
    }
  }

  /**
   * Leaves the stream at the last piece that passed: takes what it verified and has not handed on
   * yet, stops it, and has the holders fetch the rest (all of them when spreading, the others when
   * it failed).
   */
  #switchFromStream (why: 'spread' | 'failover', err?: ClientError): void {
    const stream = this.#stream
    if (this.#switching || stream == null || this.#body.destroyed || stream.readableEnded) return
    // Pieces went on arriving since the decision: too few left to be worth spreading.
    if (why === 'spread' && this.#pieces.end - this.#nextPiece < 2) return
    this.#switching = true
    stream.removeAllListeners('data')
    stream.removeAllListeners('end')
    stream.removeAllListeners('error')
    stream.on('error', () => {})
    for (let chunk = stream.read() as Buffer | null; chunk != null; chunk = stream.read() as Buffer | null) this.#deliver(chunk, true)
    stream.destroy()
    this.#source = null
    if (this.#nextPiece >= this.#pieces.end) {
      // Every piece passed (the last one only with the whole file's SHA-256): whatever the stream
      // did after that, the bytes are all here.
      this.#options.progress?.finish(null)
      this.#closeHash()
      this.#body.push(null)
      return
    }
    this.#openRest(err ?? new Error('spread'), why).catch((failure: unknown) => { this.#body.destroy(failure as Error) })
  }

  /**
   * The multi-source download of the pieces from #nextPiece on, continuing the whole file's hash;
   * resolves once it delivers, rejects when it cannot start.
   */
  async #openRest (reason: Error, why: 'spread' | 'failover'): Promise<void> {
    const { file, map, range, holders, connectPeer, log, pieceTimeoutMs, progress, signal } = this.#options
    const others = why === 'spread' ? holders : holders.slice(1)
    if (others.length === 0) throw reason
    this.#hash.rewind()
    let wholeHash: HashJob | undefined
    if (this.#whole) {
      this.#hash.wholeOnly()
      wholeHash = this.#hash
      this.#handedOver = true
    } else {
      this.#closeHash()
    }
    log?.info({ file: file.name, piece: this.#nextPiece, why, reason: reason.message, holders: others.length },
      why === 'spread' ? 'the holder streamed from is the bottleneck; the other holders join' : 'the holder streamed from failed; the others fetch the rest')
    const rest = await openMultiSourceDownload({
      file, map, holders: others, connectPeer,
      range: { start: Math.max(range.start, this.#nextPiece * map.pieceSize), end: range.end },
      allHoldersAtFirst: why === 'spread',
      ...(wholeHash != null ? { wholeHash } : {}),
      ...(log != null ? { log } : {}),
      ...(pieceTimeoutMs != null ? { pieceTimeoutMs } : {}),
      ...(progress != null ? { progress } : {}),
      ...(signal != null ? { signal } : {})
    })
    if (this.#body.destroyed) rest.destroy()
    else this.#attach(rest)
  }

  #closeHash (): void {
    if (this.#handedOver) return
    this.#handedOver = true
    this.#hash.close()
  }
}
