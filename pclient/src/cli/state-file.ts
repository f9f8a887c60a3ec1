// The small JSON files `p2p` keeps for its user (delete tokens, the validators of partial downloads),
// under $XDG_STATE_HOME/p2p or ~/.local/state/p2p. They can hold secrets, so the folder is 0700 and
// each file 0600, and a file is replaced whole (write then rename), never left half-written.
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

export function stateDir (env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME != null && env.XDG_STATE_HOME !== '' ? env.XDG_STATE_HOME : path.join(os.homedir(), '.local', 'state')
  return path.join(base, 'p2p')
}

/** The file's JSON, or `empty` when it does not exist or is not JSON (a state file is a convenience, never a reason to fail). */
export async function readState<T> (file: string, parse: (value: unknown) => T | undefined, empty: T): Promise<T> {
  try {
    return parse(JSON.parse(await readFile(file, 'utf8'))) ?? empty
  } catch {
    return empty
  }
}

export async function writeState (file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 })
  await chmod(temporary, 0o600)
  await rename(temporary, file)
}
