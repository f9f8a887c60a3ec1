// The command line of `npm start` (scripts/start-network.ts), parsed once into one options object.
// With no options it is the network of the README: two peers on the fixed ports, data in .data/.
import path from 'node:path'
import { parseArgs } from 'node:util'
import { EPHEMERAL_PORTS, FIXED_PORTS } from './local-network.js'
import type { PortPlan } from './local-network.js'
import type { DirectoryStoreName } from './central-machine.js'
import { REPO_ROOT } from './service-process.js'

export const MAX_PEERS = 20
export const MAX_CENTRALS = 9

export const USAGE = `Usage: npm start -- [options]

  --peers N            how many peers (1 to ${MAX_PEERS}; default 2)
  --centrals N         how many central replicas (1 to ${MAX_CENTRALS}; default 1, its directory in memory).
                       Several share their directory in Redis: the launcher runs redis-server on a
                       free port (files in <data>/redis, kept between runs), or uses REDIS_URL when
                       it is set; the central proxy on 8000 spreads requests over the replicas
  --store redis        keep the directory in Redis with one central too (default: memory for one,
                       redis for several)
  --restart            restart a service that dies by itself (same ports and data; backoff 1 s, 2 s,
                       4 s...; at most 5 attempts in a row); without it, type \`restart\` when told
  --ports fixed        the README's ports: central on 8000, peer N's page on 8000+N (default);
                       central replica N on 9000+100(N-1) behind it; metrics on 8100 and up
                       (central 8100+N, its proxy 8100; peer N's 8100+10N proxy, +1 pclient, +2 pserver)
  --ports ephemeral    ports the OS picks; the URLs are printed and written to <data>/network.json
  --data DIR           data folders, logs and network.json under DIR (default .data)
  --send-rate RATE     cap what each pserver sends, e.g. 20MiB (a second), to watch slow transfers
  --heartbeat-ms N     how often peers heartbeat (the central's default: 5000)
  --help               this text

  REDIS_URL=redis://…  (in the environment) the Redis the centrals use, rather than a redis-server
                       of the launcher's own; only with several centrals or --store redis

While it runs, type \`help\` for its commands (status, restart).`

export interface LauncherOptions {
  peers: number
  centrals: number
  store: DirectoryStoreName
  /** REDIS_URL from the launcher's environment (with the redis store): use it rather than start redis-server. */
  redisUrl: string | null
  ports: PortPlan
  /** Whether the ports are the OS's pick, so the banner says where to find them. */
  ephemeral: boolean
  dataRoot: string
  autoRestart: boolean
  sendRate: string | null
  heartbeatIntervalMs: number | null
}

export class UsageError extends Error {}

/** Throws UsageError with what is wrong; `help` is true when --help was asked for. */
export function parseLauncherOptions (args: string[], env: NodeJS.ProcessEnv = process.env): LauncherOptions & { help: boolean } {
  let values
  try {
    ({ values } = parseArgs({
      args,
      options: {
        peers: { type: 'string', default: '2' },
        centrals: { type: 'string', default: '1' },
        store: { type: 'string' },
        restart: { type: 'boolean', default: false },
        ports: { type: 'string', default: 'fixed' },
        data: { type: 'string' },
        'send-rate': { type: 'string' },
        'heartbeat-ms': { type: 'string' },
        help: { type: 'boolean', default: false }
      }
    }))
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err))
  }
  const peers = Number(values.peers)
  if (!Number.isInteger(peers) || peers < 1 || peers > MAX_PEERS) throw new UsageError(`--peers must be a whole number from 1 to ${MAX_PEERS}`)
  const centrals = Number(values.centrals)
  if (!Number.isInteger(centrals) || centrals < 1 || centrals > MAX_CENTRALS) throw new UsageError(`--centrals must be a whole number from 1 to ${MAX_CENTRALS}`)
  const store = directoryStore(values.store, centrals)
  if (values.ports !== 'fixed' && values.ports !== 'ephemeral') throw new UsageError('--ports must be fixed or ephemeral')
  const heartbeat = values['heartbeat-ms'] == null ? null : Number(values['heartbeat-ms'])
  if (heartbeat != null && (!Number.isInteger(heartbeat) || heartbeat < 10)) throw new UsageError('--heartbeat-ms must be a whole number of milliseconds, at least 10')
  return {
    peers,
    centrals,
    store,
    redisUrl: store === 'redis' ? redisUrlFrom(env) : null,
    ports: values.ports === 'fixed' ? FIXED_PORTS : EPHEMERAL_PORTS,
    ephemeral: values.ports === 'ephemeral',
    dataRoot: path.resolve(values.data ?? path.join(REPO_ROOT, '.data')),
    autoRestart: values.restart,
    // The pserver checks the value (one rule, in its config) and refuses to start on a bad one.
    sendRate: values['send-rate'] ?? null,
    heartbeatIntervalMs: heartbeat,
    help: values.help
  }
}

function directoryStore (asked: string | undefined, centrals: number): DirectoryStoreName {
  if (asked == null) return centrals > 1 ? 'redis' : 'memory'
  if (asked !== 'memory' && asked !== 'redis') throw new UsageError('--store must be memory or redis')
  if (asked === 'memory' && centrals > 1) throw new UsageError('several centrals share one directory, in Redis: --store memory needs --centrals 1')
  return asked
}

/** REDIS_URL when set (a redis:// or rediss:// URL), else null: the launcher starts its own redis-server. */
function redisUrlFrom (env: NodeJS.ProcessEnv): string | null {
  const value = env.REDIS_URL?.trim() ?? ''
  if (value === '') return null
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError('REDIS_URL must be a URL such as redis://127.0.0.1:6379')
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new UsageError('REDIS_URL must start with redis:// or rediss://')
  return value
}
