// Where the lab's services find the project, as the images find it at /app. They run as an
// unprivileged user, so every folder above the checkout must let others through: a checkout inside
// a private folder (a `mktemp -d`, mode 0700, as CI and fresh-clone checks make) cannot be reached.
// Then the checkout is bind-mounted on a folder anyone can enter, for the test's lifetime, instead of
// loosening the permissions of folders the test does not own.
import { execFile } from 'node:child_process'
import { constants } from 'node:fs'
import { chmod, mkdtemp, readFile, rmdir, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { REPO_ROOT } from '../../scripts/lib/service-process.js'

const execFileAsync = promisify(execFile)

export interface AppRoot {
  /** The checkout's path as the services see it (with a trailing slash, like REPO_ROOT). */
  path: string
  /** Where a file of the checkout is, seen from the services. */
  resolve: (repositoryFile: string) => string
  /** Unmounts what was mounted; never throws. */
  release: () => Promise<void>
}

/** True when a user who is neither owner nor group can walk down to `dir`. */
async function othersCanEnter (dir: string): Promise<boolean> {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    if (((await stat(at)).mode & constants.S_IXOTH) === 0) return false
    if (path.dirname(at) === at) return true
  }
}

/** Mount points are named after the test process, so a killed run's can be told apart and removed. */
const MOUNT_PREFIX = 'p2pt-app-'

export async function exposeRepository (): Promise<AppRoot> {
  const relativeTo = (root: string) => (file: string): string => path.join(root, path.relative(REPO_ROOT, file))
  if (await othersCanEnter(REPO_ROOT)) {
    return { path: REPO_ROOT, resolve: relativeTo(REPO_ROOT), release: async () => {} }
  }
  await removeLeftoverMounts()
  const mountPoint = await mkdtemp(path.join(os.tmpdir(), `${MOUNT_PREFIX}${process.pid}-`))
  await chmod(mountPoint, 0o755)
  await execFileAsync('mount', ['--bind', REPO_ROOT, mountPoint], { timeout: 15_000 })
  return { path: `${mountPoint}/`, resolve: relativeTo(mountPoint), release: async () => { await unmount(mountPoint) } }
}

/** Unmounts (lazily if a process still holds it) and removes the mount point; never throws. */
async function unmount (mountPoint: string): Promise<void> {
  await execFileAsync('umount', [mountPoint], { timeout: 15_000 })
    .catch(async () => await execFileAsync('umount', ['-l', mountPoint], { timeout: 15_000 }))
    .catch(() => {})
  await rmdir(mountPoint).catch(() => {})
}

/** Mounts left by runs whose test process is gone (killed before its clean-up). */
async function removeLeftoverMounts (): Promise<void> {
  const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '')
  for (const line of mounts.split('\n')) {
    const mountPoint = line.split(' ')[1] ?? ''
    const owner = new RegExp(`/${MOUNT_PREFIX}(\\d+)-[^/]*$`).exec(mountPoint)
    if (owner == null || processAlive(Number(owner[1]))) continue
    await unmount(mountPoint)
  }
}

function processAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
