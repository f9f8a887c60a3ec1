// A whole network on one machine: the central machine (central-server behind its proxy, or several
// replicas over Redis: central-machine.ts) and N peer machines (pserver + pclient behind a proxy
// each), every one a real process. `npm start` runs it on the fixed ports of the README; the
// end-to-end tests run it on ports the OS picks.
import { randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { CENTRAL_MACHINE, startCentralMachine } from './central-machine.js'
import type { CentralMachine, DirectoryStoreName } from './central-machine.js'
import { startPeerMachine } from './peer-machine.js'
import type { PeerMachine, PeerOptions } from './peer-machine.js'
import { findRedisServer, freePort, startRedisProcess } from './redis-process.js'
import { startService } from './service-process.js'
import type { ServiceName, ServiceProcess } from './service-process.js'
import { startSlot } from './service-slot.js'
import type { ServiceSlot, SlotNotes, SlotOptions, SlotService } from './service-slot.js'

export type { CentralMachine } from './central-machine.js'
export type { PeerMachine } from './peer-machine.js'

export interface PortPlan {
  centralProxy: number
  /** Central replica n (1-based); the only central is replica 1. */
  central: (replica: number) => number
  peerProxy: (index: number) => number
  pclient: (index: number) => number
  pserver: (index: number) => number
  /** METRICS_PORT of the central machine's services: its proxy (0) and replica n (n). */
  centralMetrics: (replica: number) => number
  /** METRICS_PORT of peer n's services. */
  peerMetrics: (index: number, service: PeerService) => number
}

export type PeerService = 'proxy' | 'pclient' | 'pserver'

const PEER_METRICS_OFFSET: Record<PeerService, number> = { proxy: 0, pclient: 1, pserver: 2 }

/**
 * The ports the README promises: central on 8000, peer N's page on 8000+N. Metrics on 8100 and up, a
 * range no other service of the plan uses: the central machine's at 8100 (proxy) and 8100+n (replica n),
 * peer N's at 8100+10N (proxy), +1 (pclient), +2 (pserver).
 */
export const FIXED_PORTS: PortPlan = {
  centralProxy: 8000,
  central: (replica) => 9000 + 100 * (replica - 1),
  peerProxy: (index) => 8000 + index,
  pclient: (index) => 9000 + index,
  pserver: (index) => 50050 + index,
  centralMetrics: (replica) => 8100 + replica,
  peerMetrics: (index, service) => 8100 + 10 * index + PEER_METRICS_OFFSET[service]
}

/** Every port chosen by the OS; services report theirs in their 'listening' log line. */
export const EPHEMERAL_PORTS: PortPlan = {
  centralProxy: 0,
  central: () => 0,
  peerProxy: () => 0,
  pclient: () => 0,
  pserver: () => 0,
  centralMetrics: () => 0,
  peerMetrics: () => 0
}

export interface LocalNetworkOptions extends PeerOptions {
  peers: number
  /** Each peer's data folder is `<dataRoot>/peer-<n>`; logs go to `<dataRoot>/logs`. */
  dataRoot: string
  ports: PortPlan
  /** How many central replicas (default 1); several share their directory in Redis. */
  centrals?: number
  /** Where the centrals keep the directory: memory by default for one central, redis for several. */
  store?: DirectoryStoreName
  /** With the redis store: the Redis to use; unset: a redis-server of its own, its files in `<dataRoot>/redis`. */
  redisUrl?: string
  heartbeatIntervalMs?: number
  logLevel?: string
  /** The secret every member shares; a fresh random one per network by default. */
  clusterSecret?: string
  /** REPLICATION_FACTOR of the central; its own default (2) when unset. */
  replicationFactor?: number
  /** Aborted while the network starts: what started is stopped and the start rejects. */
  signal?: AbortSignal
}

export interface LocalNetwork {
  clusterSecret: string
  central: CentralMachine
  peers: PeerMachine[]
  /** Every service, the central's first, each able to start again on its port after it died. */
  services: ServiceSlot[]
  /** Stops every service, including one being started again. */
  stop: () => Promise<void>
}

const HOST = '127.0.0.1'

export async function startLocalNetwork (options: LocalNetworkOptions): Promise<LocalNetwork> {
  const logDir = path.join(options.dataRoot, 'logs')
  await mkdir(logDir, { recursive: true })
  const logLevel = options.logLevel ?? 'info'
  // Each local network is its own cluster: a new secret every time, never written anywhere.
  const clusterSecret = options.clusterSecret ?? randomBytes(32).toString('hex')
  const services: ServiceSlot[] = []
  // Aborted by stop(), so a service being started (again) at that moment is stopped too.
  const stopping = new AbortController()
  const starting = new Set<Promise<ServiceProcess>>()

  const logFileOf = (label: string): string => path.join(logDir, `${label.replace(/\s+/g, '-')}.log`)
  // Every start is tracked, so that stop() also stops a service being started at that moment.
  const tracked = async (start: Promise<ServiceProcess>): Promise<ServiceProcess> => {
    starting.add(start)
    try {
      return await start
    } finally {
      starting.delete(start)
    }
  }
  const addSlot = async (slotOptions: SlotOptions): Promise<ServiceSlot> => {
    const slot = await startSlot(slotOptions)
    services.push(slot)
    return slot
  }

  const run = async (service: ServiceName, label: string, machine: string, env: Record<string, string>, notes?: SlotNotes): Promise<ServiceSlot> => {
    const logFile = logFileOf(label)
    return await addSlot({
      label,
      machine,
      service,
      logFile,
      env,
      ...(notes != null ? { notes } : {}),
      portVariable: service === 'pserver' ? 'GRPC_PORT' : 'PORT',
      launch: async (serviceEnv) => await tracked(startService({
        service,
        label,
        env: { LOG_LEVEL: logLevel, HOST, CLUSTER_SECRET: clusterSecret, ...serviceEnv },
        logFile,
        signal: stopping.signal
      }))
    })
  }

  const runRedis = async (label: string, dir: string, notes: SlotNotes): Promise<ServiceSlot> => {
    const executable = await findRedisServer()
    const logFile = logFileOf(label)
    return await addSlot({
      label,
      machine: CENTRAL_MACHINE,
      service: 'redis-server',
      logFile,
      env: { PORT: String(await freePort()) },
      notes,
      portVariable: 'PORT',
      launch: async (env) => await tracked(startRedisProcess({ executable, port: Number(env.PORT), dir, label, logFile, signal: stopping.signal }))
    })
  }

  const stopAll = async (): Promise<void> => {
    stopping.abort(new Error('the network is stopping'))
    const stopSlots = async (slots: ServiceSlot[]): Promise<void> => { await Promise.all(slots.map(async (slot) => await slot.process.stop())) }
    await Promise.all([
      stopSlots(services.filter((slot) => slot.service !== 'redis-server')),
      ...[...starting].map(async (start) => await start.then(async (proc) => await proc.stop(), () => {}))
    ])
    // Redis last, so that no central loses its store while it shuts down.
    await stopSlots(services.filter((slot) => slot.service === 'redis-server'))
  }

  options.signal?.addEventListener('abort', () => { void stopAll() }, { once: true })
  try {
    options.signal?.throwIfAborted()
    const centrals = options.centrals ?? 1
    const central: CentralMachine = await startCentralMachine({
      replicas: centrals,
      store: options.store ?? (centrals > 1 ? 'redis' : 'memory'),
      redisUrl: options.redisUrl ?? null,
      redisDir: path.join(options.dataRoot, 'redis'),
      replicaPort: options.ports.central,
      proxyPort: options.ports.centralProxy,
      metricsPort: options.ports.centralMetrics,
      env: {
        // Every client of a local network shares 127.0.0.1, so a per-address limit sized for the
        // internet would throttle the whole network at once.
        RATE_LIMIT_PER_MINUTE: '100000',
        ...(options.heartbeatIntervalMs != null ? { HEARTBEAT_INTERVAL_MS: String(options.heartbeatIntervalMs) } : {}),
        ...(options.replicationFactor != null ? { REPLICATION_FACTOR: String(options.replicationFactor) } : {})
      }
    }, { run, runRedis })

    const peers = await Promise.all(Array.from({ length: options.peers }, async (_, i) => await startPeerMachine(i + 1, central.url, options, run)))
    // The central's services first, then each peer's in order, whatever order they started in.
    services.sort((a, b) => machineOrder(a.machine) - machineOrder(b.machine) || SERVICE_ORDER[a.service] - SERVICE_ORDER[b.service] ||
      a.label.localeCompare(b.label, 'en', { numeric: true }))
    return { clusterSecret, central, peers, services, stop: stopAll }
  } catch (err) {
    await stopAll()
    throw err
  }
}

const SERVICE_ORDER: Record<SlotService, number> = { 'redis-server': 0, 'central-server': 1, pserver: 2, pclient: 3, proxy: 4 }

function machineOrder (machine: string): number {
  return machine === CENTRAL_MACHINE ? 0 : Number(machine.slice('peer-'.length))
}
