// The body of the hashing thread (see hash-worker.ts): SHA-256 of pieces and of whole contents, off
// the main thread. Plain JavaScript so that it loads as it is, under tsx, vitest, plain node or a
// compiled build (which must ship this file beside hash-worker.js).
//
// Messages in, per job id, handled in order; every request but 'open' and 'close' gets exactly one
// answer, even for a job that is gone, so the caller can count what it still awaits:
//   ['open', id, whole, pieces]   start a job. whole: also hash everything into one digest.
//                                 pieces: 'marked' (a piece ends at each 'piece' message), a number
//                                 (a piece ends every that many bytes; the digests come with 'end'),
//                                 or 'none'
//   ['data', id, buffer, size]    hash the first `size` bytes of `buffer` (a transferred ArrayBuffer)
//                                 -> ['free', id, buffer]: handed back at once for reuse
//   ['piece', id]                 ends the current marked piece -> ['piece', id, 32-byte Uint8Array]
//   ['end', id]                   ends the job -> ['end', id, hex digest of everything ('' unless
//                                 whole), digests of the pieces cut by size (32 bytes each, the last,
//                                 shorter piece included; empty otherwise) as a transferred ArrayBuffer]
//   ['mark', id]                  remember where the whole digest is (the end of a piece the caller
//                                 accepted); no answer
//   ['rewind', id]                go back to the last mark (the start, if none): the bytes since
//                                 then, and the piece they began, are forgotten; no answer
//   ['whole-only', id]            from here on, hash only the whole content (no pieces); no answer
//   ['close', id]                 forget the job
import { createHash } from 'node:crypto'
import { parentPort } from 'node:worker_threads'

const jobs = new Map()

function openJob (whole, pieces) {
  return {
    whole: whole === true ? createHash('sha256') : null,
    /** The whole digest's state at the last mark (a copy), or null: the start. */
    mark: null,
    marked: pieces === 'marked',
    /** > 0: a piece ends every pieceBytes bytes. */
    pieceBytes: typeof pieces === 'number' && pieces > 0 ? pieces : 0,
    piece: null,
    /** Bytes of the current piece hashed so far. */
    fill: 0,
    /** Digests of the pieces cut by size, for 'end'. */
    cut: []
  }
}

function hash (job, bytes) {
  job.whole?.update(bytes)
  if (job.marked) {
    job.piece ??= createHash('sha256')
    job.piece.update(bytes)
    return
  }
  if (job.pieceBytes === 0) return
  // Piece boundaries may fall anywhere inside the bytes.
  for (let at = 0; at < bytes.length;) {
    job.piece ??= createHash('sha256')
    const take = Math.min(job.pieceBytes - job.fill, bytes.length - at)
    job.piece.update(bytes.subarray(at, at + take))
    job.fill += take
    at += take
    if (job.fill === job.pieceBytes) {
      job.cut.push(job.piece.digest())
      job.piece = null
      job.fill = 0
    }
  }
}

function endPiece (job) {
  const digest = (job?.piece ?? createHash('sha256')).digest()
  if (job != null) job.piece = null
  return new Uint8Array(digest)
}

function end (job) {
  if (job == null) return { sha256: '', pieces: new Uint8Array(0) }
  if (job.pieceBytes > 0 && job.piece != null) job.cut.push(job.piece.digest())
  return { sha256: job.whole?.digest('hex') ?? '', pieces: new Uint8Array(Buffer.concat(job.cut)) }
}

/** Back to the last mark: the whole digest as it was there, no piece begun. */
function rewind (job) {
  if (job.whole != null) job.whole = job.mark?.copy() ?? createHash('sha256')
  job.piece = null
  job.fill = 0
}

parentPort.on('message', ([kind, id, a, b]) => {
  switch (kind) {
    case 'open':
      jobs.set(id, openJob(a, b))
      break
    case 'data': {
      const job = jobs.get(id)
      if (job != null) hash(job, new Uint8Array(a, 0, b))
      parentPort.postMessage(['free', id, a], [a])
      break
    }
    case 'piece': {
      const digest = endPiece(jobs.get(id))
      parentPort.postMessage(['piece', id, digest], [digest.buffer])
      break
    }
    case 'end': {
      const { sha256, pieces } = end(jobs.get(id))
      jobs.delete(id)
      parentPort.postMessage(['end', id, sha256, pieces.buffer], [pieces.buffer])
      break
    }
    case 'mark': {
      const job = jobs.get(id)
      if (job?.whole != null) job.mark = job.whole.copy()
      break
    }
    case 'rewind': {
      const job = jobs.get(id)
      if (job != null) rewind(job)
      break
    }
    case 'whole-only': {
      const job = jobs.get(id)
      if (job != null) Object.assign(job, { marked: false, pieceBytes: 0, piece: null, fill: 0 })
      break
    }
    case 'close':
      jobs.delete(id)
      break
  }
})
