// Temporary folders for tests (a DATA_DIR, files to upload); the test removes its own afterwards.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

/** A new empty folder under the OS's temporary folder, named `prefix` plus random characters. */
export async function makeTempDir (prefix = 'p2p-test-'): Promise<string> {
  return await fs.mkdtemp(path.join(os.tmpdir(), prefix))
}

/** The entries of `dir`, sorted, so tests can compare listings. */
export async function listDir (dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).sort()
}
