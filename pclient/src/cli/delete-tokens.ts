// The delete tokens `p2p put` was given, kept for `p2p rm`: one entry per file name and content
// (SHA-256), whatever peer the upload went through, since a name means the same file on every peer.
import path from 'node:path'
import { z } from 'zod'
import { readState, stateDir, writeState } from './state-file.js'

const entrySchema = z.object({ name: z.string(), sha256: z.string(), token: z.string(), storedAt: z.string() })
const fileSchema = z.object({ tokens: z.array(entrySchema) })
type TokenFile = z.infer<typeof fileSchema>

export interface DeleteTokens {
  readonly file: string
  find: (name: string, sha256: string | null) => Promise<string | undefined>
  save: (name: string, sha256: string, token: string) => Promise<void>
  forget: (name: string, sha256: string | null) => Promise<void>
}

export function deleteTokens (env: NodeJS.ProcessEnv = process.env): DeleteTokens {
  const file = path.join(stateDir(env), 'delete-tokens.json')
  const load = async (): Promise<TokenFile> => await readState(file, (value) => fileSchema.safeParse(value).data, { tokens: [] })
  const matches = (name: string, sha256: string | null) => (entry: z.infer<typeof entrySchema>): boolean =>
    entry.name === name && (sha256 == null || entry.sha256 === sha256)
  return {
    file,
    async find (name, sha256) {
      // The newest first: a name deleted and uploaded again has the later token.
      return (await load()).tokens.filter(matches(name, sha256)).at(-1)?.token
    },
    async save (name, sha256, token) {
      const current = await load()
      const tokens = current.tokens.filter((entry) => !(entry.name === name && entry.sha256 === sha256))
      await writeState(file, { tokens: [...tokens, { name, sha256, token, storedAt: new Date().toISOString() }] })
    },
    async forget (name, sha256) {
      const current = await load()
      await writeState(file, { tokens: current.tokens.filter((entry) => !matches(name, sha256)(entry)) })
    }
  }
}
