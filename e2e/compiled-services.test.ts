// What ships is what is tested: `npm test` builds the services and the end-to-end tests run their
// compiled JavaScript (P2P_SERVICES=compiled: each service's one-file bundle), on the Node major version
// the images are based on, with the allocator the images preload. A source-only run of the e2e tests
// (`npm run test:e2e` without it) says so loudly instead of checking.
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../scripts/lib/service-process.js'
import { JEMALLOC_LIBRARY, SERVICE_MALLOC_CONF, SERVICE_NODE_OPTIONS, serviceAllocatorEnv, serviceArgv, serviceRuntime } from '../scripts/lib/service-runtime.js'
import { startTestNetwork } from './helpers.js'
import { skipWithoutRequirement } from './deployment/requirement.js'

/** The Node major version of every image: the Dockerfile's base image tag, e.g. node:24-bookworm-slim. */
async function imageNodeMajor (): Promise<number> {
  const dockerfile = await readFile(`${REPO_ROOT}Dockerfile`, 'utf8')
  const from = /^FROM node:(\d+)[-.\w]*/m.exec(dockerfile)
  if (from == null) throw new Error('the Dockerfile has no FROM node:<major>... line')
  return Number(from[1])
}

async function commandLineOf (pid: number): Promise<string[]> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter((arg) => arg !== '')
}

const notCompiled = serviceRuntime() === 'compiled' ? null : 'P2P_SERVICES is not "compiled" (npm test sets it after npm run build)'
const noJemalloc = Object.keys(serviceAllocatorEnv()).length > 0 ? null : `${JEMALLOC_LIBRARY} is not installed (apt-get install libjemalloc2; .ci/run does)`

describe.skipIf(skipWithoutRequirement('the compiled-services check', notCompiled))('the services under test', () => {
  it('are the compiled bundles, run by the Node major version the images ship, which find the files they read beside them', async () => {
    expect(serviceRuntime()).toBe('compiled')
    expect(Number(process.versions.node.split('.')[0])).toBe(await imageNodeMajor())

    const network = await startTestNetwork({ peers: 1 })
    try {
      const processes = [network.central.server, network.central.proxy, network.peers[0]!.pserver, network.peers[0]!.pclient, network.peers[0]!.proxy]
      for (const service of processes) {
        const [node, ...args] = await commandLineOf(service.child.pid!)
        expect(node).toBe(process.execPath)
        expect(args).toHaveLength(1)
        expect(args[0]).toMatch(/\/(central-server|pserver|pclient|proxy)\/dist\/bundle\/server\.mjs$/)
        const environ = (await readFile(`/proc/${service.child.pid!}/environ`, 'utf8')).split('\0')
        expect(environ).toContain(`NODE_OPTIONS=${SERVICE_NODE_OPTIONS}`)
      }
      // The images start every service with the same Node options.
      expect(await readFile(`${REPO_ROOT}Dockerfile`, 'utf8')).toMatch(new RegExp(`^ENV .*NODE_OPTIONS=${SERVICE_NODE_OPTIONS}( |$)`, 'm'))
      expect(serviceArgv('pserver')).toEqual([process.execPath, `${REPO_ROOT}pserver/dist/bundle/server.mjs`])

      // Files read at run time from where the unbundled code would look (bundle-services.ts): the
      // pserver has loaded filesharing.proto (it is serving), the page's templates and static files,
      // and the assets of the central's API documentation (Swagger UI, found beside its own package).
      const page = await fetch(`${network.peers[0]!.url}/`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('<html')
      const docs = await fetch(`${network.central.url}/docs/static/index.html`)
      expect(docs.status).toBe(200)
      expect(await docs.text()).toContain('swagger')
    } finally {
      await network.stop()
    }
  })

  it.skipIf(skipWithoutRequirement('the allocator check', noJemalloc))('run on jemalloc, as the images do', async () => {
    const network = await startTestNetwork({ peers: 1 })
    try {
      for (const service of [network.central.server, network.peers[0]!.pserver, network.peers[0]!.pclient, network.peers[0]!.proxy]) {
        const environ = (await readFile(`/proc/${service.child.pid!}/environ`, 'utf8')).split('\0')
        expect(environ).toContain(`MALLOC_CONF=${SERVICE_MALLOC_CONF}`)
        // Preloaded for real: the library is mapped into the process.
        expect(await readFile(`/proc/${service.child.pid!}/maps`, 'utf8')).toContain(`/${JEMALLOC_LIBRARY}`)
      }
      const dockerfile = await readFile(`${REPO_ROOT}Dockerfile`, 'utf8')
      expect(dockerfile).toMatch(new RegExp(`^ENV .*LD_PRELOAD=${JEMALLOC_LIBRARY}( |$)`, 'm'))
      expect(dockerfile).toMatch(new RegExp(`^ENV .*MALLOC_CONF=${SERVICE_MALLOC_CONF}( |$)`, 'm'))
      expect(dockerfile).toMatch(/^RUN (?:[^\n]*\\\n)*[^\n]*apt-get install [^\n]*libjemalloc2/m)
    } finally {
      await network.stop()
    }
  })

  it('never load the undici that Node bundles (node:http is required, not imported: @p2p/proto\'s runtime/node-http.ts)', async () => {
    // Each service's whole module graph but its entry point, in a fresh process of the Node that runs it.
    const modules = ['central-server', 'pserver', 'pclient', 'proxy'].map((service) => `${REPO_ROOT}${service}/dist/app.js`)
    const script = `for (const m of ${JSON.stringify(modules)}) await import(m);
      console.log(JSON.stringify(process.moduleLoadList.filter((m) => m.includes('undici'))))`
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT })
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual([])
  })

  it('leave gRPC\'s client code unloaded in the pclient until its first transfer (transfers/peer-connector.ts)', async () => {
    // grpc-js is CommonJS, so once anything loads it, its entry point is in require's cache, even when
    // loaded by an ES import (its constants module alone is loaded at start, for the status codes).
    const script = `import { createRequire } from 'node:module'
      const grpcLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((file) => file.endsWith('/@grpc/grpc-js/build/src/index.js'))
      await import(${JSON.stringify(`${REPO_ROOT}pclient/dist/app.js`)})
      const atStart = grpcLoaded()
      const { connectOnDemand } = await import(${JSON.stringify(`${REPO_ROOT}pclient/dist/transfers/peer-connector.js`)})
      const client = await connectOnDemand('127.0.0.1:1')
      client.close()
      console.log(JSON.stringify({ atStart, afterConnecting: grpcLoaded() }))`
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT })
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ atStart: false, afterConnecting: true })
  })
})
