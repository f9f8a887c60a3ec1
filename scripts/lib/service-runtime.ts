// How a service's process is started: from its TypeScript source through tsx (`npm start`, the tests
// by default), or from the compiled JavaScript that the images ship (`npm run build`, then
// P2P_SERVICES=compiled: what `npm test` and `npm run bench` do).
// Workspaces export their compiled dist/ by default and their source under the 'source' condition,
// so a process running source must ask for that condition, or it would load stale or missing dist/.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export type ServiceName = 'central-server' | 'pserver' | 'pclient' | 'proxy'

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/**
 * Node's options for every service process, however it is started: the launcher and the tests pass
 * them as NODE_OPTIONS (service-process.ts), and the Dockerfile's runtime stage sets the same
 * NODE_OPTIONS for every image (e2e/compiled-services.test.ts checks that the two agree).
 * A semi-space of 1 MiB instead of Node 24's 8 to 16: a service's young objects are few and small (the
 * bytes it moves are in buffers outside V8's heap), and every page of the young generation that was
 * ever used stays in the RSS. Measured idle after start: 5 to 15 MiB less RSS per service (central
 * 108 to 93, pserver 106 to 95, pclient 103 to 91, proxy 82 to 77), and no more CPU per GiB moved
 * (docs/performance.md). V8 reads it only when the heap is set up, so it cannot be set at run time.
 */
export const SERVICE_NODE_OPTIONS = '--max-semi-space-size=1'

/**
 * The memory allocator of every service process: jemalloc, preloaded by the dynamic linker, where the
 * machine has it (Debian's libjemalloc2: the images install it and set the same two variables in the
 * Dockerfile's runtime stage; .ci/run installs it). glibc's malloc keeps what V8 used to parse and
 * compile the code at start, and what a busy transfer held, in its heaps for good; jemalloc hands
 * pages nobody has used for a second back to the kernel. One arena and no per-thread caches: a
 * service's few threads need no more. Measured idle after start, bundled, glibc against jemalloc:
 * central 89 to 70 MiB, pserver 75 to 67, pclient 83 to 70, with downloads no slower
 * (docs/performance.md, "One file per service, and jemalloc"). Without the library the services run
 * on glibc's malloc.
 */
export const JEMALLOC_LIBRARY = 'libjemalloc.so.2'
export const SERVICE_MALLOC_CONF = 'narenas:1,tcache:false,dirty_decay_ms:1000,muzzy_decay_ms:0'

/** Where the dynamic linker looks for a library named without a path, on the machines we run on. */
const LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib']

/** LD_PRELOAD and MALLOC_CONF for a service process, or nothing where jemalloc is not installed. */
export function serviceAllocatorEnv (): Record<string, string> {
  const installed = LIBRARY_DIRS.some((dir) => existsSync(`${dir}/${JEMALLOC_LIBRARY}`))
  return installed ? { LD_PRELOAD: JEMALLOC_LIBRARY, MALLOC_CONF: SERVICE_MALLOC_CONF } : {}
}

/** Node's flags that run a TypeScript file of this repository. */
export const SOURCE_NODE_ARGS = ['--conditions=source', '--import', 'tsx']

export type ServiceRuntime = 'source' | 'compiled'

export function serviceRuntime (env: NodeJS.ProcessEnv = process.env): ServiceRuntime {
  const value = env.P2P_SERVICES ?? 'source'
  if (value !== 'source' && value !== 'compiled') throw new Error(`P2P_SERVICES must be 'source' or 'compiled', not '${value}'`)
  return value
}

/** A compiled service's entry point, relative to the repository: the one-file bundle `npm run build` writes (scripts/bundle-services.ts). */
export function serviceEntry (service: ServiceName): string {
  return `${service}/dist/bundle/server.mjs`
}

/** The command line that runs one service the way `runtime` says. */
export function serviceArgv (service: ServiceName, runtime: ServiceRuntime = serviceRuntime()): [string, ...string[]] {
  if (runtime === 'source') return [process.execPath, ...SOURCE_NODE_ARGS, `${REPO_ROOT}${service}/src/server.ts`]
  const entry = `${REPO_ROOT}${serviceEntry(service)}`
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` before starting compiled services`)
  return [process.execPath, entry]
}

/** The command line that runs a TypeScript script of this repository (a launcher, a benchmark helper). */
export function scriptArgv (scriptPath: string): [string, ...string[]] {
  return [process.execPath, ...SOURCE_NODE_ARGS, scriptPath]
}
