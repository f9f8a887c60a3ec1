// One peer machine of a local network: its pserver and pclient, and the proxy in front of the pclient
// (the peer's web page), started as a machine of a real network would be, pointed at the central.
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { requireUrl } from './central-machine.js'
import { REPO_ROOT } from './service-process.js'
import type { ServiceName, ServiceProcess } from './service-process.js'
import type { ServiceSlot } from './service-slot.js'

export interface PeerOptions {
  /** Peer n's data folder is `<dataRoot>/peer-<n>`. */
  dataRoot: string
  ports: {
    peerProxy: (index: number) => number
    pclient: (index: number) => number
    pserver: (index: number) => number
    peerMetrics: (index: number, service: 'proxy' | 'pclient' | 'pserver') => number
  }
  /** CAPACITY_BYTES of peer n (1-based), e.g. '10GiB'. */
  capacity?: (index: number) => string
  /** Files every peer shares at start; the repository's files/ by default, null for none. */
  seedDir?: string | null
  /** SEND_BYTES_PER_SECOND of peer n's pserver (e.g. '16MiB'); no cap when unset or null. */
  sendRate?: (index: number) => string | null
  /** PIECE_TIMEOUT_MS of every pclient; its own default when unset. */
  pieceTimeoutMs?: number
  /** KEEP_DOWNLOADS of every pclient: peers keep a copy of what their users download. */
  keepDownloads?: boolean
  /** DRAIN_GRACE_MS of every peer's pserver, pclient and proxy; their own default (30 s) when unset. */
  drainGraceMs?: number
}

/** Starts one service of the network as a slot that can start again (local-network.ts). */
export type RunService = (service: ServiceName, label: string, machine: string, env: Record<string, string>) => Promise<ServiceSlot>

const HOST = '127.0.0.1'

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
  /** Stops the pserver with `signal`, runs `whileStopped` if given, and starts it again on the same port and data folder. */
  restartPserver: (signal?: NodeJS.Signals, whileStopped?: () => Promise<void>) => Promise<void>
}

export async function startPeerMachine (index: number, centralUrl: string, options: PeerOptions, run: RunService): Promise<PeerMachine> {
  const id = `peer-${index}`
  const dataDir = path.join(options.dataRoot, id)
  await mkdir(dataDir, { recursive: true })
  const drainEnv = optionalEnv('DRAIN_GRACE_MS', options.drainGraceMs == null ? null : String(options.drainGraceMs))
  const seedDir = options.seedDir === undefined ? path.join(REPO_ROOT, 'files') : options.seedDir
  const pserverEnv = {
    PEER_ID: id,
    DATA_DIR: dataDir,
    ...(seedDir != null ? { SEED_DIR: seedDir } : {}),
    GRPC_HOST: HOST,
    GRPC_PORT: String(options.ports.pserver(index)),
    METRICS_PORT: String(options.ports.peerMetrics(index, 'pserver')),
    CENTRAL_URL: centralUrl,
    CAPACITY_BYTES: options.capacity?.(index) ?? '10GiB',
    ...optionalEnv('SEND_BYTES_PER_SECOND', options.sendRate?.(index)),
    ...drainEnv
  }
  const [pserver, pclient] = await Promise.all([
    run('pserver', `${id} pserver`, id, pserverEnv),
    run('pclient', `${id} pclient`, id, {
      PORT: String(options.ports.pclient(index)),
      METRICS_PORT: String(options.ports.peerMetrics(index, 'pclient')),
      CENTRAL_URL: centralUrl,
      PEER_NAME: id,
      ...optionalEnv('PIECE_TIMEOUT_MS', options.pieceTimeoutMs == null ? null : String(options.pieceTimeoutMs)),
      ...optionalEnv('KEEP_DOWNLOADS', options.keepDownloads == null ? null : String(options.keepDownloads)),
      ...drainEnv
    })
  ])
  const proxy = await run('proxy', `${id} proxy`, id, {
    PORT: String(options.ports.peerProxy(index)), METRICS_PORT: String(options.ports.peerMetrics(index, 'proxy')), UPSTREAM_URL: requireUrl(pclient.process), ...drainEnv
  })
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
    restartPserver: async (signal = 'SIGTERM', whileStopped) => {
      await pserver.process.stop(signal)
      await whileStopped?.()
      await (await pserver.start()).waitForLog((line) => line.msg === 'registered')
    }
  }
}

function optionalEnv (name: string, value: string | null | undefined): Record<string, string> {
  return value == null ? {} : { [name]: value }
}
