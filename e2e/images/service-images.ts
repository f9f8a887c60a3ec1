// Builds the services' images from the repository's Dockerfile with podman, one target per compose
// service, tagged with the image name the compose files give it. Unchanged steps come from podman's
// layer cache, so a second run rebuilds only what changed. The build reaches the npm registry as
// this machine's npm does (its registry, certificate authority and cache, mounted into the build's
// RUN steps only): nothing of that ends up in an image.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { REPO_ROOT } from '../../scripts/lib/service-process.js'
import { expectCommand } from './command.js'
import { podman } from './podman.js'

const BUILD_TIMEOUT_MS = 15 * 60_000
/** Where the build's RUN steps find the host's npm settings: npm's global config file for /usr/local. */
const BUILD_NPMRC = '/usr/local/etc/npmrc'
const BUILD_CA = '/etc/ssl/certs/p2p-build-ca.crt'
const BUILD_NPM_CACHE = '/mnt/p2p-npm-cache'

async function npmConfig (key: string): Promise<string | null> {
  const value = (await expectCommand(['npm', 'config', 'get', key], { timeoutMs: 30_000 })).trim()
  return value === '' || value === 'null' || value === 'undefined' ? null : value
}

/** The `-v` options that give the build's npm this machine's registry, CA and cache. */
async function npmMounts (dir: string): Promise<string[]> {
  const lines = [`registry=${await npmConfig('registry') ?? 'https://registry.npmjs.org/'}`, `cache=${BUILD_NPM_CACHE}`]
  const mounts: string[] = []
  const cafile = await npmConfig('cafile') ?? process.env.NODE_EXTRA_CA_CERTS ?? null
  if (cafile != null) {
    lines.push(`cafile=${BUILD_CA}`)
    mounts.push('-v', `${cafile}:${BUILD_CA}:ro`)
  }
  for (const key of ['proxy', 'https-proxy', 'noproxy']) {
    const value = await npmConfig(key)
    if (value != null) lines.push(`${key}=${value}`)
  }
  const npmrc = path.join(dir, 'npmrc')
  await writeFile(npmrc, lines.join('\n') + '\n')
  const cache = await npmConfig('cache') ?? path.join(os.homedir(), '.npm')
  await mkdir(cache, { recursive: true })
  return [...mounts, '-v', `${npmrc}:${BUILD_NPMRC}:ro`, '-v', `${cache}:${BUILD_NPM_CACHE}`]
}

/**
 * The Dockerfile's compile stage, tagged too: untagged, the last layer of a stage no image is built
 * on would look unused, and the next run could not take `npm run build` from the cache.
 */
const COMPILE_STAGE = { target: 'build', image: 'p2p-build' }

async function imageId (image: string): Promise<string | null> {
  return await podman(['image', 'inspect', '--format', '{{.Id}}', image]).then((id) => id.trim(), () => null)
}

/** Builds each `target` of the Dockerfile as `image`; resolves with the seconds each took. */
export async function buildServiceImages (targets: Array<{ target: string, image: string }>): Promise<Record<string, number>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'p2p-image-build-'))
  const seconds: Record<string, number> = {}
  try {
    const mounts = await npmMounts(dir)
    for (const { target, image } of [COMPILE_STAGE, ...targets]) {
      const started = Date.now()
      const previous = await imageId(image)
      await podman([
        'build', '--format', 'docker', '--pull=never', '--isolation', 'chroot', '--network', 'host', '--layers',
        ...mounts, '--target', target, '-t', image, '-f', `${REPO_ROOT}Dockerfile`, REPO_ROOT
      ], BUILD_TIMEOUT_MS)
      // The image this one replaces, with the layers only it used, so that the cache does not grow
      // with every change; one still in use (a container of it exists) stays.
      if (previous != null && previous !== await imageId(image)) await podman(['rmi', previous]).catch(() => {})
      seconds[target] = Math.round((Date.now() - started) / 100) / 10
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  return seconds
}
