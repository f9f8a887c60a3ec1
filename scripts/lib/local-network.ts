// A whole network on one machine: the central machine (central-server behind its proxy) and N peer
// machines (pserver + pclient behind a proxy each), every one a real process. `npm start` runs it on
// the fixed ports of the README; the end-to-end tests run it on ports the OS picks.
import { randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { REPO_ROOT, startService } from './service-process.js'
import type { ServiceName, ServiceProcess } from './service-process.js'
import { startSlot } from './service-slot.js'
import type { ServiceSlot } from './service-slot.js'

export interface PortPlan {
  centralProxy: number
  central: number
  peerProxy: (index: number) => number
  pclient: (index: number) => number
  pserver: (index: number) => number
}

/** The ports the README promises: central on 8000, peer N's page on 8000+N. */
export const FIXED_PORTS: PortPlan = {
  centralProxy: 8000,
  central: 9000,
  peerProxy: (index) => 8000 + index,
  pclient: (index) => 9000 + index,
  pserver: (index) => 50050 + index
}

/** Every port chosen by the OS; services report theirs in their 'listening' log line. */
export const EPHEMERAL_PORTS: PortPlan = {
  centralProxy: 0,
  central: 0,
  peerProxy: () => 0,
  pclient: () => 0,
  pserver: () => 0
}

export interface LocalNetworkOptions {
  peers: number
  /** Each peer's data folder is `<dataRoot>/peer-<n>`; logs go to `<dataRoot>/logs`. */
  dataRoot: string
  ports: PortPlan
  heartbeatIntervalMs?: number
  /** CAPACITY_BYTES of peer n (1-based), e.g. '10GiB'. */
  capacity?: (index: number) => string
  /** Files every peer shares at start; the repository's files/ by default, null for none. */
  seedDir?: string | null
  logLevel?: string
  /** The secret every member shares; a fresh random one per network by default. */
  clusterSecret?: string
  /** REPLICATION_FACTOR of the central; its own default (2) when unset. */
  replicationFactor?: number
  /** SEND_BYTES_PER_SECOND of peer n's pserver (e.g. '16MiB'); no cap when unset or null. */
  sendRate?: (index: number) => string | null
  /** PIECE_TIMEOUT_MS of every pclient; its own default when unset. */
  pieceTimeoutMs?: number
  /** KEEP_DOWNLOADS of every pclient: peers keep a copy of what their users download. */
  keepDownloads?: boolean
  /** Aborted while the network starts: what started is stopped and the start rejects. */
  signal?: AbortSignal
}

export interface CentralMachine {
  /** The central's public URL (its proxy). */
  url: string
  server: ServiceProcess
  proxy: ServiceProcess
  /** Stops the central-server process and starts a fresh one (empty directory) on the same port. */
  restart: () => Promise<void>
}

export interface PeerMachine {
  index: number
  id: string
  dataDir: string
  /** The peer's web page (its proxy). */
  url: string
  grpcAddress: string
  pserver: ServiceProcess
  pclient: ServiceProcess
  proxy: ServiceProcess
  /** Stops this peer's processes (SIGTERM: graceful, or SIGKILL: a crash). */
  stop: (signal?: NodeJS.Signals) => Promise<void>
  /** Stops the pserver with `signal` and starts it again on the same port and data folder. */
  restartPserver: (signal?: NodeJS.Signals) => Promise<void>
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

  const run = async (service: ServiceName, label: string, machine: string, env: Record<string, string>): Promise<ServiceSlot> => {
    const logFile = path.join(logDir, `${label.replace(/\s+/g, '-')}.log`)
    const launch = async (serviceEnv: Record<string, string>): Promise<ServiceProcess> => {
      const start = startService({
        service,
        label,
        env: { LOG_LEVEL: logLevel, HOST, CLUSTER_SECRET: clusterSecret, ...serviceEnv },
        logFile,
        signal: stopping.signal
      })
      starting.add(start)
      try {
        return await start
      } finally {
        starting.delete(start)
      }
    }
    const slot = await startSlot({ label, machine, service, logFile, env, portVariable: service === 'pserver' ? 'GRPC_PORT' : 'PORT', launch })
    services.push(slot)
    return slot
  }

  const stopAll = async (): Promise<void> => {
    stopping.abort(new Error('the network is stopping'))
    await Promise.all([
      ...services.map(async (slot) => await slot.process.stop()),
      ...[...starting].map(async (start) => await start.then(async (proc) => await proc.stop(), () => {}))
    ])
  }

  options.signal?.addEventListener('abort', () => { void stopAll() }, { once: true })
  try {
    options.signal?.throwIfAborted()
    const centralEnv = {
      PORT: String(options.ports.central),
      // Every client of a local network shares 127.0.0.1, so a per-address limit sized for the
      // internet would throttle the whole network at once.
      RATE_LIMIT_PER_MINUTE: '100000',
      ...(options.heartbeatIntervalMs != null ? { HEARTBEAT_INTERVAL_MS: String(options.heartbeatIntervalMs) } : {}),
      ...(options.replicationFactor != null ? { REPLICATION_FACTOR: String(options.replicationFactor) } : {})
    }
    const centralServer = await run('central-server', 'central-server', 'central', centralEnv)
    // A few seconds, as docker-compose-central.yml: a silent central is a 504 at once, not after minutes.
    const centralProxy = await run('proxy', 'central proxy', 'central', { PORT: String(options.ports.centralProxy), UPSTREAM_URL: requireUrl(centralServer.process), UPSTREAM_ANSWER_TIMEOUT_MS: '5000' })
    const centralUrl = requireUrl(centralProxy.process)

    const central: CentralMachine = {
      url: centralUrl,
      get server () { return centralServer.process },
      get proxy () { return centralProxy.process },
      restart: async () => {
        await centralServer.process.stop()
        await centralServer.start()
      }
    }

    const startPeer = async (index: number): Promise<PeerMachine> => {
      const id = `peer-${index}`
      const dataDir = path.join(options.dataRoot, id)
      await mkdir(dataDir, { recursive: true })
      const seedDir = options.seedDir === undefined ? path.join(REPO_ROOT, 'files') : options.seedDir
      const pserverEnv = {
        PEER_ID: id,
        DATA_DIR: dataDir,
        ...(seedDir != null ? { SEED_DIR: seedDir } : {}),
        GRPC_HOST: HOST,
        GRPC_PORT: String(options.ports.pserver(index)),
        CENTRAL_URL: centralUrl,
        CAPACITY_BYTES: options.capacity?.(index) ?? '10GiB',
        ...optionalEnv('SEND_BYTES_PER_SECOND', options.sendRate?.(index))
      }
      const [pserver, pclient] = await Promise.all([
        run('pserver', `${id} pserver`, id, pserverEnv),
        run('pclient', `${id} pclient`, id, {
          PORT: String(options.ports.pclient(index)),
          CENTRAL_URL: centralUrl,
          PEER_NAME: id,
          ...optionalEnv('PIECE_TIMEOUT_MS', options.pieceTimeoutMs == null ? null : String(options.pieceTimeoutMs)),
          ...optionalEnv('KEEP_DOWNLOADS', options.keepDownloads == null ? null : String(options.keepDownloads))
        })
      ])
      const proxy = await run('proxy', `${id} proxy`, id, { PORT: String(options.ports.peerProxy(index)), UPSTREAM_URL: requireUrl(pclient.process) })
      await pserver.process.waitForLog((line) => line.msg === 'registered')
      const grpcAddress = pserver.process.address
      if (grpcAddress == null) throw new Error(`${id} pserver did not log its gRPC address`)
      return {
        index,
        id,
        dataDir,
        url: requireUrl(proxy.process),
        grpcAddress,
        get pserver () { return pserver.process },
        get pclient () { return pclient.process },
        get proxy () { return proxy.process },
        stop: async (signal = 'SIGTERM') => {
          await Promise.all([pserver, pclient, proxy].map(async (slot) => await slot.process.stop(signal)))
        },
        restartPserver: async (signal = 'SIGTERM') => {
          await pserver.process.stop(signal)
          await (await pserver.start()).waitForLog((line) => line.msg === 'registered')
        }
      }
    }

    const peers = await Promise.all(Array.from({ length: options.peers }, async (_, i) => await startPeer(i + 1)))
    // The central's services first, then each peer's in order, whatever order they started in.
    services.sort((a, b) => machineOrder(a.machine) - machineOrder(b.machine) || SERVICE_ORDER[a.service] - SERVICE_ORDER[b.service])
    return { clusterSecret, central, peers, services, stop: stopAll }
  } catch (err) {
    await stopAll()
    throw err
  }
}

const SERVICE_ORDER: Record<ServiceName, number> = { 'central-server': 0, pserver: 1, pclient: 2, proxy: 3 }

function machineOrder (machine: string): number {
  return machine === 'central' ? 0 : Number(machine.slice('peer-'.length))
}

function optionalEnv (name: string, value: string | null | undefined): Record<string, string> {
  return value == null ? {} : { [name]: value }
}

function requireUrl (proc: ServiceProcess): string {
  if (proc.url == null) throw new Error(`${proc.label} did not log the URL it listens on`)
  return proc.url
}
