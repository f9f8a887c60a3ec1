// The digest of a file on disk: its bytes streamed through a hashing job (never the whole file in
// memory), the reading paced by the hashing.
import { createReadStream } from 'node:fs'
import type { HashResult } from './hash-job.js'
import { sharedHashWorker } from './hash-worker.js'
import type { HashWorker } from './hash-worker.js'

export interface HashFileOptions {
  /** A piece ends every this many bytes; their digests come with the result. */
  pieceBytes: number
  /** Bytes read at a time. */
  readBytes?: number
  /** Default: the process's shared worker. */
  worker?: HashWorker
}

/** The SHA-256 of the whole file and of each of its pieces. */
export async function hashFile (file: string, options: HashFileOptions): Promise<HashResult> {
  const job = (options.worker ?? sharedHashWorker()).open({ whole: true, pieces: options.pieceBytes })
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: options.readBytes ?? 1024 * 1024 })) {
      job.update(chunk as Buffer)
      await job.ready()
    }
    return await job.end()
  } finally {
    job.close()
  }
}
