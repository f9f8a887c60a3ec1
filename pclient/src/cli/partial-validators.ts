// The entity tag each unfinished download (a `.part` file) was fetched under, so `p2p get -c` can
// send it as If-Range: a file that changed since (deleted and uploaded again) is then sent whole
// instead of being appended to bytes of another content.
import path from 'node:path'
import { z } from 'zod'
import { readState, stateDir, writeState } from './state-file.js'

const fileSchema = z.record(z.string(), z.string())

export interface PartialValidators {
  get: (partPath: string) => Promise<string | undefined>
  set: (partPath: string, etag: string | null) => Promise<void>
}

export function partialValidators (env: NodeJS.ProcessEnv = process.env): PartialValidators {
  const file = path.join(stateDir(env), 'partial-downloads.json')
  const load = async (): Promise<Record<string, string>> => await readState(file, (value) => fileSchema.safeParse(value).data, {})
  return {
    async get (partPath) { return (await load())[path.resolve(partPath)] },
    async set (partPath, etag) {
      const current = await load()
      const key = path.resolve(partPath)
      if (etag == null) delete current[key]
      else current[key] = etag
      await writeState(file, current)
    }
  }
}
