// One pass of the directory benchmark: a fresh central on the store under test (and, for redis, a fresh
// redis-server), filled with one shape of fake directory, then each route driven in turn, each right
// after a run of the hello-world so that its ratio compares figures taken moments apart.
import { deriveClusterKeys } from '@p2p/proto'
import type { DirectoryShape } from './directory-content.js'
import { shapeCounts } from './directory-content.js'
import { fillDirectory } from './directory-fill.js'
import { directoryLoads, drive, helloWorldLoad } from './directory-load.js'
import type { LoadOptions, LoadResult } from './directory-load.js'
import { startCentral, waitUntilIdle } from './directory-processes.js'
import type { BenchProcess, CentralProcess, StoreName } from './directory-processes.js'
import { startRedis } from './directory-redis.js'
import type { BenchRedis } from './directory-redis.js'
import type { PassResult, RouteResult } from './directory-report.js'
import { rssMiB } from './rss-sampler.js'

const MiB = 2 ** 20

/** The store could not be brought up (no Redis store in this central, no redis-server): its passes are skipped. */
export class StoreStartError extends Error {}

export interface PassOptions {
  store: StoreName
  shape: DirectoryShape
  clusterSecret: string
  hello: BenchProcess
  load: LoadOptions
  log: (line: string) => void
}

async function startStore (store: StoreName, clusterSecret: string): Promise<{ central: CentralProcess, redis: BenchRedis | null }> {
  let redis: BenchRedis | null = null
  try {
    redis = store === 'redis' ? await startRedis() : null
    const central = await startCentral({ store, clusterSecret, ...(redis != null ? { redisUrl: redis.url } : {}) })
    // A central without the asked store would quietly run another one (unknown variables are ignored).
    const named = (await central.health()).store ?? 'memory'
    if (named !== store) {
      await central.stop()
      throw new Error(`the central runs the ${named} store when asked for ${store} (DIRECTORY_STORE=${store} is not supported by this central)`)
    }
    return { central, redis }
  } catch (err) {
    await redis?.stop()
    throw new StoreStartError(err instanceof Error ? err.message : String(err))
  }
}

/** The run with the median requests/s (the upper one of an even count). */
function median (runs: LoadResult[]): LoadResult {
  return [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(runs.length / 2)]!
}

/** The next figure must not be taken while the central still works off the last load (or its start). */
async function settle (central: CentralProcess, log: (line: string) => void): Promise<void> {
  if (!await waitUntilIdle(central.pid)) log('  WARNING: the central is still busy after 5 minutes; measuring anyway')
}

async function rssOf (pid: number): Promise<number> {
  const rss = await rssMiB(pid)
  if (rss == null) throw new Error(`the central (pid ${pid}) is gone`)
  return rss
}

export async function runPass (options: PassOptions): Promise<PassResult> {
  const { store, shape, log } = options
  const counts = shapeCounts(shape)
  const key = deriveClusterKeys(options.clusterSecret).peerRequests
  const { central, redis } = await startStore(store, options.clusterSecret)
  try {
    await settle(central, log)
    const empty = { rss: await rssOf(central.pid), redis: await redis?.usedMemory() }
    const fill = await fillDirectory(central.url, key, shape, (done) => { log(`  registered ${done.toLocaleString('en-US')} of ${shape.peers.toLocaleString('en-US')} peers`) })
    log(`  fill: ${counts.holdings.toLocaleString('en-US')} holdings in ${fill.seconds.toFixed(1)} s`)
    await checkFilled(central, shape, log)
    await settle(central, log)
    const filled = { rss: await rssOf(central.pid), redis: await redis?.usedMemory() }

    // The hello-world is driven just before each route, and each ratio is taken against that run: on a
    // shared machine the load of other processes changes from one minute to the next.
    const routes: RouteResult[] = []
    const hellos: LoadResult[] = []
    for (const load of directoryLoads(shape)) {
      const hello = await drive(options.hello.url, key, helloWorldLoad(), options.load)
      const result = await drive(central.url, key, load, options.load)
      log(`  ${result.route}: ${result.answered} answered, ${result.requestsPerSecond.toFixed(1)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms` +
        (result.non2xx + result.errors > 0 ? `, ${result.non2xx} non-2xx, ${result.errors} errors` : '') +
        ` (hello-world just before: ${hello.requestsPerSecond.toFixed(0)} req/s)`)
      hellos.push(hello)
      routes.push({ ...result, helloRequestsPerSecond: hello.requestsPerSecond })
      await settle(central, log)
    }
    const end = { rss: await rssOf(central.pid), redis: await redis?.usedMemory() }

    const redisMiB = empty.redis != null && filled.redis != null && end.redis != null
      ? { empty: empty.redis / MiB, filled: filled.redis / MiB, end: end.redis / MiB }
      : null
    const grownBytes = redisMiB != null ? (filled.redis! - empty.redis!) : (filled.rss - empty.rss) * MiB
    return {
      store,
      peers: shape.peers,
      filesPerPeer: shape.filesPerPeer,
      holdings: counts.holdings,
      files: counts.files,
      shortShare: counts.shortFiles / counts.files,
      fill,
      centralRssMiB: { empty: empty.rss, filled: filled.rss, end: end.rss },
      redisMiB,
      bytesPerHolding: grownBytes / counts.holdings,
      hello: median(hellos),
      routes
    }
  } finally {
    await central.stop()
    await redis?.stop()
  }
}

/** The central's own count of what it holds, against what was sent: a fill that lost peers would flatter it. */
async function checkFilled (central: CentralProcess, shape: DirectoryShape, log: (line: string) => void): Promise<void> {
  const counts = shapeCounts(shape)
  const health = await central.health()
  const expected = { peers: shape.peers, files: counts.files, underReplicated: counts.shortFiles }
  const actual = { peers: health.peers, files: health.files, underReplicated: health.underReplicated }
  if (JSON.stringify(expected) !== JSON.stringify(actual)) {
    log(`  WARNING: the central reports ${JSON.stringify(actual)} after the fill, expected ${JSON.stringify(expected)}`)
  }
}
