// The body of the hashing thread (see hasher.ts): SHA-256 of pieces and of whole files, off the main
// thread. Plain JavaScript so that it loads as it is, under tsx, vitest or plain node.
//
// Messages in, per job id, handled in order:
//   ['open', id, whole, pieces]  start a job (whole: hash everything into one digest; pieces: false
//                                when only that digest is wanted)
//   ['data', id, buffer, size]   hash the first `size` bytes of `buffer` (a transferred ArrayBuffer)
//                                -> ['free', buffer]: handed back at once for reuse
//   ['piece', id]                ends the current piece -> ['piece', id, digest (32-byte Uint8Array)]
//   ['whole', id]                -> ['whole', id, hex digest of everything hashed]
//   ['close', id]                forget the job
import { createHash } from 'node:crypto'
import { parentPort } from 'node:worker_threads'

const jobs = new Map()

parentPort.on('message', ([kind, id, a, b]) => {
  if (kind === 'open') {
    jobs.set(id, { piece: b === false ? null : createHash('sha256'), whole: a === true ? createHash('sha256') : null })
    return
  }
  const job = jobs.get(id)
  if (kind === 'data') {
    if (job != null) {
      const bytes = new Uint8Array(a, 0, b)
      job.piece?.update(bytes)
      job.whole?.update(bytes)
    }
    parentPort.postMessage(['free', a], [a])
    return
  }
  if (job == null) return
  switch (kind) {
    case 'piece': {
      if (job.piece == null) break
      const digest = new Uint8Array(job.piece.digest())
      job.piece = createHash('sha256')
      parentPort.postMessage(['piece', id, digest], [digest.buffer])
      break
    }
    case 'whole':
      parentPort.postMessage(['whole', id, job.whole?.digest('hex') ?? ''])
      job.whole = null
      break
    case 'close':
      jobs.delete(id)
      break
  }
})
