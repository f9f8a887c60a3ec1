// The central machine of a local network, behind its proxy (the central's one public address). By
// default one central-server with its directory in memory, as a fresh deployment runs it. With
// several replicas (or the redis store) they share their directory in Redis: the launcher's own
// redis-server, started first, or the Redis at REDIS_URL; then the replicas, each on its own port with
// its REPLICA_ID; then the proxy, which spreads requests over the replicas that answer.
import path from 'node:path'
import type { ServiceName, ServiceProcess } from './service-process.js'
import type { ServiceSlot, SlotNotes } from './service-slot.js'
import { checkRedisReachable } from './redis-process.js'

export type DirectoryStoreName = 'memory' | 'redis'

export interface CentralOptions {
  /** How many central-server replicas; more than one needs the redis store. */
  replicas: number
  store: DirectoryStoreName
  /** A Redis to use (redis store); null: start redis-server with its files in `redisDir`. */
  redisUrl: string | null
  redisDir: string
  /** The port of replica n (1-based); 0: the OS picks. */
  replicaPort: (replica: number) => number
  proxyPort: number
  /** METRICS_PORT of replica n, and of the proxy at 0; 0: the OS picks. */
  metricsPort: (replica: number) => number
  /** Every replica's environment besides where it listens and where its directory is. */
  env: Record<string, string>
}

export interface CentralComponents {
  run: (service: ServiceName, label: string, machine: string, env: Record<string, string>, notes?: SlotNotes) => Promise<ServiceSlot>
  runRedis: (label: string, dir: string, notes: SlotNotes) => Promise<ServiceSlot>
}

export interface CentralRedis {
  /** redis://host:port (with its password, when REDIS_URL has one: never print it as it is). */
  url: string
  /** The launcher's own redis-server; null when it uses REDIS_URL. */
  slot: ServiceSlot | null
  /** Where the launcher's redis-server keeps its files; null when it uses REDIS_URL. */
  dataDir: string | null
}

export interface CentralMachine {
  /** The central's public URL (its proxy). */
  url: string
  store: DirectoryStoreName
  /** The first replica's process: the only one by default. */
  server: ServiceProcess
  /** Every central-server replica, each able to start again on its port. */
  replicas: ServiceSlot[]
  proxy: ServiceProcess
  /** The Redis the replicas share; null with the memory store. */
  redis: CentralRedis | null
  /** Stops the first replica and starts it again on the same port (in memory: an empty directory). */
  restart: () => Promise<void>
}

export const CENTRAL_MACHINE = 'central'

const REDIS_NOTES: SlotNotes = {
  whileDead: 'Every central answers 503 CENTRAL_STORE_UNAVAILABLE until Redis is back: no upload is placed and no file located, ' +
    'though transfers already located keep going. The peers keep running; Redis reloads its append-only file when it starts again.',
  whenBack: 'It reloaded its append-only file; the centrals reconnect by themselves.'
}

function replicaNotes (replicas: number, store: DirectoryStoreName): SlotNotes | undefined {
  // One central in memory: the launcher's default words (supervisor-report.ts).
  if (store === 'memory') return undefined
  if (replicas === 1) {
    return {
      whileDead: 'The central does not answer until it is back; the peers keep running and serving each other, and the directory waits in Redis.',
      whenBack: ''
    }
  }
  return {
    whileDead: `The other ${replicas - 1} replica${replicas === 2 ? '' : 's'} answer in its place (the central proxy sends them its requests); ` +
      'the directory is in Redis, so nothing is lost.',
    whenBack: 'The central proxy sends it requests again.'
  }
}

/** 'central-server' alone, else 'central-1', 'central-2'...: the labels `restart` takes, and the REPLICA_IDs. */
export function replicaLabel (replica: number, replicas: number): string {
  return replicas === 1 ? 'central-server' : `central-${replica}`
}

export async function startCentralMachine (options: CentralOptions, components: CentralComponents): Promise<CentralMachine> {
  const redis = options.store === 'redis' ? await startRedis(options, components) : null
  const slots = await Promise.all(Array.from({ length: options.replicas }, async (_, i) => {
    const replica = i + 1
    const label = replicaLabel(replica, options.replicas)
    const env = {
      ...options.env,
      PORT: String(options.replicaPort(replica)),
      METRICS_PORT: String(options.metricsPort(replica)),
      ...(redis != null ? { DIRECTORY_STORE: 'redis', REDIS_URL: redis.url, REPLICA_ID: options.replicas === 1 ? 'central-1' : label } : {})
    }
    return await components.run('central-server', label, CENTRAL_MACHINE, env, replicaNotes(options.replicas, options.store))
  }))
  const first = slots[0]
  if (first == null) throw new Error('the central machine needs at least one central-server')
  const upstreams = slots.map((slot) => requireUrl(slot.process))
  // A few seconds, as docker-compose-central.yml: a silent central is a 504 at once, not after minutes.
  const proxy = await components.run('proxy', 'central proxy', CENTRAL_MACHINE, {
    PORT: String(options.proxyPort),
    METRICS_PORT: String(options.metricsPort(0)),
    ...(upstreams.length === 1 ? { UPSTREAM_URL: upstreams[0] ?? '' } : { UPSTREAM_URLS: upstreams.join(',') }),
    UPSTREAM_ANSWER_TIMEOUT_MS: '5000',
    // Its clients are the peers' pclients and pservers, whose x-request-id names the transfer they serve.
    TRUST_REQUEST_ID: 'true'
  })
  return {
    url: requireUrl(proxy.process),
    store: options.store,
    get server () { return first.process },
    replicas: slots,
    get proxy () { return proxy.process },
    redis,
    restart: async () => {
      await first.process.stop()
      await first.start()
    }
  }
}

async function startRedis (options: CentralOptions, components: CentralComponents): Promise<CentralRedis> {
  if (options.redisUrl != null) {
    await checkRedisReachable(options.redisUrl)
    return { url: options.redisUrl, slot: null, dataDir: null }
  }
  const slot = await components.runRedis('redis-server', path.resolve(options.redisDir), REDIS_NOTES)
  return { url: requireUrl(slot.process), slot, dataDir: path.resolve(options.redisDir) }
}

export function requireUrl (proc: ServiceProcess): string {
  if (proc.url == null) throw new Error(`${proc.label} did not log the URL it listens on`)
  return proc.url
}
